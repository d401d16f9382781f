package dev.kelpie.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The RBAC manifests grant what the operator does, and no wildcard. Each required permission below is a call
 * the code makes: update this table together with the code.
 */
class RbacManifestTest {

    private static final List<String[]> CLUSTER_PERMISSIONS = List.of(
            // group, resource, verbs the operator uses
            new String[] {"kelpie.dev", "clusters", "get,list,watch,patch,update"},
            new String[] {"kelpie.dev", "clusters/status", "patch,update"},
            new String[] {"kelpie.dev", "clusters/finalizers", "update"},
            new String[] {"kelpie.dev", "topics", "get,list,watch,patch,update"},
            new String[] {"kelpie.dev", "topics/status", "patch,update"},
            new String[] {"", "configmaps", "get,list,watch,create,update,patch,delete"},
            new String[] {"", "services", "get,list,watch,create,update,patch,delete"},
            new String[] {"", "serviceaccounts", "get,list,watch,create,update,patch,delete"},
            new String[] {"apps", "statefulsets", "get,list,watch,create,update,patch,delete"},
            new String[] {"policy", "poddisruptionbudgets", "get,list,watch,create,update,patch,delete"},
            new String[] {"", "pods", "get,list,watch,delete"},
            new String[] {"", "events", "create"});

    @Test
    void grantsEveryCallTheOperatorMakesWithoutWildcards() throws IOException {
        List<HasMetadata> objects = load();
        ClusterRole clusterRole = only(objects, ClusterRole.class);
        Role leaseRole = only(objects, Role.class);

        for (String[] permission : CLUSTER_PERMISSIONS) {
            for (String verb : permission[2].split(",")) {
                assertThat(allows(clusterRole.getRules(), permission[0], permission[1], verb))
                        .as("ClusterRole allows %s %s/%s", verb, permission[0], permission[1]).isTrue();
            }
        }
        for (String verb : List.of("get", "create", "update")) {
            assertThat(allows(leaseRole.getRules(), "coordination.k8s.io", "leases", verb)).isTrue();
        }
        assertThat(allows(clusterRole.getRules(), "", "secrets", "get")).as("no access to Secrets").isFalse();
        assertThat(clusterRole.getRules()).flatExtracting(PolicyRule::getVerbs).doesNotContain("*");
        assertThat(clusterRole.getRules()).flatExtracting(PolicyRule::getResources).doesNotContain("*");
    }

    @Test
    void bindsBothRolesToTheOperatorServiceAccount() throws IOException {
        List<HasMetadata> objects = load();
        ServiceAccount account = only(objects, ServiceAccount.class);

        assertThat(only(objects, ClusterRoleBinding.class).getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getName()).isEqualTo(account.getMetadata().getName());
            assertThat(s.getNamespace()).isEqualTo(account.getMetadata().getNamespace());
        });
        assertThat(only(objects, RoleBinding.class).getSubjects()).singleElement()
                .satisfies(s -> assertThat(s.getName()).isEqualTo(account.getMetadata().getName()));
        assertThat(only(objects, RoleBinding.class).getMetadata().getNamespace())
                .isEqualTo(account.getMetadata().getNamespace());
    }

    private static boolean allows(List<PolicyRule> rules, String group, String resource, String verb) {
        return rules.stream().anyMatch(r -> r.getApiGroups().contains(group) && r.getResources().contains(resource)
                && r.getVerbs().contains(verb));
    }

    private static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> type) {
        List<T> matching = objects.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(matching).as("one %s", type.getSimpleName()).hasSize(1);
        return matching.get(0);
    }

    @SuppressWarnings("unchecked")
    private static List<HasMetadata> load() throws IOException {
        String yaml = Files.readString(Path.of("rbac", "kelpie-operator.yaml"));
        return (List<HasMetadata>) new KubernetesSerialization().unmarshal(yaml);
    }
}
