package dev.pidbox;

import java.time.Duration;

/**
 * The defaults everyone relies on, in one place: the library's builders, the {@code pidbox} CLI and the agent take
 * them from here. Each can be overridden by its setting: a CLI flag or agent option of the key in parentheses, or its
 * environment variable, {@code PIDBOX_} and the key in upper case with '-' as '_' (see {@code spi.SettingLayers}).
 */
public final class Defaults {
    /** The broker ({@code broker}, {@code PIDBOX_BROKER}): RabbitMQ's guest account on this host. */
    public static final String BROKER = "amqp://guest:guest@localhost:5672/";

    /** The mailbox namespace ({@code namespace}, {@code PIDBOX_NAMESPACE}); Celery workers use {@code celery}. */
    public static final String NAMESPACE = "jvm";

    /** The mailbox exchange type ({@code type}, {@code PIDBOX_TYPE}), as Celery's. */
    public static final ExchangeType TYPE = ExchangeType.FANOUT;

    /**
     * How long a call gathers replies ({@code timeout}, {@code PIDBOX_TIMEOUT}): kombu's default for multi_call and
     * the Celery CLI's {@code -t}.
     */
    public static final Duration TIMEOUT = Duration.ofSeconds(1);

    /** The threads that run a node's handlers ({@code handler-threads}). */
    public static final int HANDLER_THREADS = 2;

    /** The time limit of one handler on a node ({@code handler-timeout}). */
    public static final Duration HANDLER_TIMEOUT = Duration.ofSeconds(30);

    private Defaults() {
    }
}
