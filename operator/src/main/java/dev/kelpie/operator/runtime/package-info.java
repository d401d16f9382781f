/**
 * Running the operator: settings from the environment, the JOSDK Operator with leader election, metrics and
 * the HTTP port. Thread-safety is stated on each class.
 */
package dev.kelpie.operator.runtime;
