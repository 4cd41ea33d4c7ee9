package org.wal4j.spring;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The {@code wal4j} endpoint over HTTP: requeue and discard answer with the status of their
 * outcome (200 done, 403 refused, 404 not a dead letter for that target, 409 changed meanwhile,
 * 503 the Wal not running) and the outcome as the body. The read operations are the endpoint's.
 *
 * <p>Thread-safe, as the endpoint.
 */
@EndpointWebExtension(endpoint = Wal4jEndpoint.class)
final class Wal4jEndpointWebExtension {
    private final Wal4jEndpoint endpoint;

    Wal4jEndpointWebExtension(Wal4jEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** {@link Wal4jEndpoint#requeue} with its HTTP status. */
    @WriteOperation
    public WebEndpointResponse<Wal4jEndpoint.AdminResult> requeue(@Selector String resource, @Selector long seq,
            String target) {
        return respond(endpoint.requeue(resource, seq, target));
    }

    /** {@link Wal4jEndpoint#discard} with its HTTP status. */
    @DeleteOperation
    public WebEndpointResponse<Wal4jEndpoint.AdminResult> discard(@Selector String resource, @Selector long seq,
            String target) {
        return respond(endpoint.discard(resource, seq, target));
    }

    private static WebEndpointResponse<Wal4jEndpoint.AdminResult> respond(Wal4jEndpoint.AdminResult result) {
        return new WebEndpointResponse<>(result, status(result.outcome()));
    }

    static int status(Wal4jEndpoint.Outcome outcome) {
        return switch (outcome) {
            case DONE -> WebEndpointResponse.STATUS_OK;
            case NOT_FOUND -> WebEndpointResponse.STATUS_NOT_FOUND;
            case DENIED -> 403;
            case CONFLICT -> 409;
            case UNAVAILABLE -> WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE;
        };
    }
}
