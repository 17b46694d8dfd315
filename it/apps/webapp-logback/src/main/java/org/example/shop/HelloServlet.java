package org.example.shop;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The shop's only page. Every request logs one INFO and one DEBUG line (the DEBUG one is off by default). */
@WebServlet(urlPatterns = "/hello")
public class HelloServlet extends HttpServlet {
    private static final Logger LOG = LoggerFactory.getLogger(HelloServlet.class);
    static final AtomicLong REQUESTS = new AtomicLong();

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long n = REQUESTS.incrementAndGet();
        LOG.info("shop hello request {}", n);
        LOG.debug("shop hello debug detail for request {} from {}", n, req.getRemoteAddr());
        resp.setContentType("text/plain;charset=UTF-8");
        resp.getWriter().println("hello from the shop (logback), request " + n);
    }
}
