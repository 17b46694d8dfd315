package org.example.greeting;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /greet?name=x} answers {@code <greeting>, x}. */
@RestController
public class GreetingController {
    private static final Logger log = LoggerFactory.getLogger(GreetingController.class);

    private final GreetingSettings settings;

    public GreetingController(GreetingSettings settings) {
        this.settings = settings;
    }

    @GetMapping("/greet")
    public String greet(@RequestParam(name = "name", defaultValue = "world") String name) {
        String greeting = settings.getGreeting();
        long count = settings.countOne();
        log.info("greeting served to {}", name);
        log.debug("greeting served to {} with '{}' (greeting #{})", name, greeting, count);
        return greeting + ", " + name;
    }
}
