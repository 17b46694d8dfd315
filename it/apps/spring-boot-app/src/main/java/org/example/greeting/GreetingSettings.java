package org.example.greeting;

import java.util.concurrent.atomic.AtomicLong;

import org.springframework.jmx.export.annotation.ManagedAttribute;
import org.springframework.jmx.export.annotation.ManagedResource;
import org.springframework.stereotype.Component;

/** The greeting the service answers with, changeable at run time over JMX, and how many it has served. */
@Component
@ManagedResource(objectName = GreetingSettings.OBJECT_NAME, description = "Greeting service settings")
public class GreetingSettings {
    public static final String OBJECT_NAME = "org.example.greeting:type=GreetingSettings";

    private volatile String greeting = "Hello";
    private final AtomicLong served = new AtomicLong();

    @ManagedAttribute(description = "The word the service greets with")
    public String getGreeting() {
        return greeting;
    }

    @ManagedAttribute(description = "The word the service greets with")
    public void setGreeting(String greeting) {
        if (greeting == null || greeting.isBlank()) {
            throw new IllegalArgumentException("greeting must not be blank");
        }
        this.greeting = greeting;
    }

    @ManagedAttribute(description = "Greetings served since start")
    public long getGreetingsServed() {
        return served.get();
    }

    long countOne() {
        return served.incrementAndGet();
    }
}
