package dev.kelpie.broker.group;

/**
 * The classic rebalance protocol's group states (Kafka's {@code ClassicGroupState}), with the transitions the
 * coordinator makes:
 *
 * <pre>
 * EMPTY ──join──▶ PREPARING_REBALANCE ──all joined / rebalance timeout──▶ COMPLETING_REBALANCE ──leader sync──▶ STABLE
 *   ▲                 ▲    │ (no member left)                              │                                  │
 *   └─────────────────┼────┘                                               │ join, leave, expiry              │
 *                     └────────────────────────────────────────────────────┴──────────────────────────────────┘
 * any ──delete / conversion──▶ DEAD
 * </pre>
 *
 * <ul>
 *   <li>EMPTY: no members; join is accepted; sync and heartbeat get UNKNOWN_MEMBER_ID; commits with
 *       generation -1 are accepted.</li>
 *   <li>PREPARING_REBALANCE: JoinGroups are held until every known member has rejoined, the rebalance
 *       timeout (largest member {@code rebalanceTimeoutMs}) passes, or, for an empty group's first rebalance,
 *       {@code group.initial.rebalance.delay.ms} passes (extended while members keep arriving); heartbeats and
 *       syncs get REBALANCE_IN_PROGRESS.</li>
 *   <li>COMPLETING_REBALANCE: the generation is bumped and a protocol chosen; the leader got every member's
 *       metadata and must send the assignment; followers' SyncGroups are held; commits get
 *       REBALANCE_IN_PROGRESS.</li>
 *   <li>STABLE: heartbeats, commits and syncs are answered at once.</li>
 *   <li>DEAD: the group is being removed; requests get COORDINATOR_NOT_AVAILABLE so clients look again.</li>
 * </ul>
 */
enum ClassicGroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    private final String kafkaName;

    ClassicGroupState(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    /** The name Kafka uses in DescribeGroups and ListGroups. */
    String kafkaName() {
        return kafkaName;
    }
}
