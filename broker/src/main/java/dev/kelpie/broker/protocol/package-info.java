/**
 * The Kafka wire protocol, through kafka-clients 4.4's generated message classes only: frames to requests
 * ({@link dev.kelpie.broker.protocol.RequestParser}), responses to Netty outbound parts with zero-copy records
 * ({@link dev.kelpie.broker.protocol.ResponseSerializer}), what is advertised and served
 * ({@link dev.kelpie.broker.protocol.ApiVersionsResponder}), and failures to error responses
 * ({@link dev.kelpie.broker.protocol.ErrorResponses}). No sockets, no threads.
 */
package dev.kelpie.broker.protocol;
