/**
 * Status conditions shared by the custom resources. Stateless and thread-safe.
 */
package dev.kelpie.operator.status;
