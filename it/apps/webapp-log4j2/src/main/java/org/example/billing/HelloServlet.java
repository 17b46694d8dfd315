package org.example.billing;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** Billing's only page. Every request logs one INFO and one DEBUG line (the DEBUG one is off by default). */
@WebServlet(urlPatterns = "/hello")
public class HelloServlet extends HttpServlet {
    private static final Logger LOG = LogManager.getLogger(HelloServlet.class);
    private static final AtomicLong REQUESTS = new AtomicLong();

    /** Requests served so far. */
    static long requests() {
        return REQUESTS.get();
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long n = REQUESTS.incrementAndGet();
        LOG.info("billing hello request {}", n);
        LOG.debug("billing hello debug detail for request {} from {}", n, req.getRemoteAddr());
        resp.setContentType("text/plain;charset=UTF-8");
        resp.getWriter().println("hello from billing (log4j2), request " + n);
    }
}
