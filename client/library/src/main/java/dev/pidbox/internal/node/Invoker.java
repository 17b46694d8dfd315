package dev.pidbox.internal.node;

import dev.pidbox.ArgType;
import dev.pidbox.ArgumentException;
import dev.pidbox.Arguments;
import dev.pidbox.CallObserver;
import dev.pidbox.ErrorSink;
import dev.pidbox.HandlerContext;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.internal.PyRepr;
import java.util.Map;
import java.util.function.Function;

/**
 * The execute step's core: finds the handler, validates the arguments against its declaration, runs it and turns
 * whatever happens into an {@link Outcome}. Never throws.
 */
public final class Invoker {
    private final HandlerRegistry handlers;
    private final Function<String, HandlerContext> contexts;
    private final Counters counters;
    private final ErrorSink errorSink;
    private final String hostname;

    /**
     * @param contexts the handler context for a request's ticket
     */
    public Invoker(HandlerRegistry handlers, Function<String, HandlerContext> contexts, Counters counters,
            ErrorSink errorSink, String hostname) {
        this.handlers = handlers;
        this.contexts = contexts;
        this.counters = counters;
        this.errorSink = errorSink;
        this.hostname = hostname;
    }

    /**
     * The handler for {@code method}.
     *
     * @throws Refused {@code rejected} with {@code KeyError(method)} when there is none
     */
    public HandlerDefinition find(String method) throws Refused {
        HandlerDefinition def = handlers.get(method);
        if (def == null) {
            throw new Refused(CallObserver.REJECTED, PyRepr.error("KeyError", method));
        }
        return def;
    }

    /**
     * The request's arguments, validated and defaulted by the handler's declaration.
     *
     * @throws Refused {@code rejected} with a {@code TypeError} naming the argument and what was wrong
     */
    public Arguments arguments(HandlerDefinition def, Object raw) throws Refused {
        try {
            if (raw != null && !(raw instanceof Map)) {
                throw new ArgumentException(def.name() + "() arguments must be an object, got "
                        + ArgType.jsonTypeOf(raw));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) raw;
            return Arguments.validate(def, map);
        } catch (ArgumentException e) {
            throw new Refused(CallObserver.REJECTED, PyRepr.error("TypeError", e.getMessage()), e);
        }
    }

    /** Runs the handler; its value, or its exception as an error outcome. */
    public Outcome run(HandlerDefinition def, Arguments args, String ticket) {
        long start = System.nanoTime();
        try {
            Object value = def.handler().handle(contexts.apply(ticket), args);
            counters.count(CallObserver.OK);
            return Outcome.ok(value, System.nanoTime() - start);
        } catch (ArgumentException e) {
            // a handler's own check of its arguments, beyond what it declares: bad input, as a TypeError
            counters.count(CallObserver.REJECTED);
            return Outcome.failed(CallObserver.REJECTED, PyRepr.error("TypeError", e.getMessage()), e,
                    System.nanoTime() - start);
        } catch (Throwable t) {
            counters.count(CallObserver.ERROR);
            if (t instanceof VirtualMachineError) {
                errorSink.report("node " + hostname + ": handler '" + def.name() + "' failed", t);
            }
            return Outcome.failed(CallObserver.ERROR, PyRepr.error(t), t, System.nanoTime() - start);
        }
    }
}
