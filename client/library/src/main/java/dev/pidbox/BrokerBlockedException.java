package dev.pidbox;

/**
 * The broker is blocking this connection's publishes (a RabbitMQ memory or disk alarm, AMQP
 * {@code connection.blocked}), so a message sent now would wait in the connection until the alarm clears. Thrown
 * by {@link Mailbox#cast} instead of waiting; calls return a {@link CallResult} whose
 * {@link CallResult#brokerBlocked()} says the same.
 */
public class BrokerBlockedException extends PidboxException {
    private static final long serialVersionUID = 1L;
    private final String reason;

    public BrokerBlockedException(String reason) {
        super(Mailbox.blockedMessage(reason));
        this.reason = reason;
    }

    /** The broker's own reason, e.g. {@code low on memory}. */
    public String reason() {
        return reason;
    }
}
