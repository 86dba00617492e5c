package io.orderpipeline.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The HTTP load client in its own JVM: {@code HttpLoad <base url> <requests/s> <warm-up s> <measure s> <connections> <product>...}
 * sends {@code GET /stats/{product}} (a random product) open loop as wrk2 does: request n is due at start + n / rate; each of
 * the fixed keep-alive connections takes the next due request, waits for its due time and sends it. Latency is measured from
 * the due time, so a stall counts for every request it delays (no coordinated omission), and from the send. A fixed set of
 * connections keeps a slow moment from becoming a storm of new connections. Prints one line starting with {@value #RESULT}.
 */
public final class HttpLoad {

    static final String RESULT = "HTTPLOAD RESULT";

    private HttpLoad() {
    }

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0]);
        double rate = Double.parseDouble(args[1]);
        long warmupNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[2]));
        long measureNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[3]));
        int connections = Integer.parseInt(args[4]);
        List<byte[]> requests = new ArrayList<>();
        for (int i = 5; i < args.length; i++) {
            String path = base.getPath() + "/stats/" + URLEncoder.encode(args[i], StandardCharsets.UTF_8);
            requests.add(("GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\nAccept: application/json\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        Histogram fromDue = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        Histogram fromSend = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        AtomicLong next = new AtomicLong();
        AtomicLong ok = new AtomicLong();
        AtomicLong notOk = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        long measureFrom = start + warmupNanos;
        long end = measureFrom + measureNanos;
        List<Thread> workers = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Thread worker = new Thread(() -> {
                Connection connection = null;
                while (true) {
                    long due = start + (long) (next.getAndIncrement() * 1e9 / rate);
                    if (due >= end) {
                        break;
                    }
                    for (long wait; (wait = due - System.nanoTime()) > 0; ) {
                        LockSupport.parkNanos(wait);
                    }
                    boolean measured = due >= measureFrom;
                    long sent = System.nanoTime();
                    int status;
                    try {
                        if (connection == null) {
                            connection = new Connection(base.getHost(), base.getPort());
                        }
                        status = connection.get(requests.get(ThreadLocalRandom.current().nextInt(requests.size())));
                    } catch (IOException e) {
                        if (measured && failed.incrementAndGet() <= 3) {
                            System.out.println("request failed: " + e);
                        }
                        if (connection != null) {
                            connection.close();
                        }
                        connection = null;
                        continue;
                    }
                    long now = System.nanoTime();
                    if (measured) {
                        synchronized (fromDue) {
                            fromDue.recordValue((now - due) / 1000);
                            fromSend.recordValue((now - sent) / 1000);
                        }
                        (status == 200 ? ok : notOk).incrementAndGet();
                    }
                }
                if (connection != null) {
                    connection.close();
                }
            }, "load-" + c);
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            worker.join();
        }
        System.out.println(String.format(Locale.ROOT,
                "%s ok=%d not200=%d failed=%d p50=%d p99=%d p999=%d max=%d send_p50=%d send_p99=%d send_max=%d",
                RESULT, ok.get(), notOk.get(), failed.get(),
                fromDue.getValueAtPercentile(50), fromDue.getValueAtPercentile(99),
                fromDue.getValueAtPercentile(99.9), fromDue.getMaxValue(),
                fromSend.getValueAtPercentile(50), fromSend.getValueAtPercentile(99), fromSend.getMaxValue()));
    }

    /** One keep-alive HTTP/1.1 connection: sends a request, reads the status and a Content-Length body. */
    private static final class Connection {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        Connection(String host, int port) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            socket.connect(new InetSocketAddress(host, port), 5_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream());
        }

        int get(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            String statusLine = line();
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            int length = -1;
            boolean close = false;
            for (String header; !(header = line()).isEmpty(); ) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(lower.substring(15).trim());
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            if (length < 0) {
                throw new IOException("no Content-Length in the answer (status " + status + ")");
            }
            if (in.readNBytes(length).length != length) {
                throw new IOException("answer cut short");
            }
            if (close) {
                throw new IOException("server closed the connection");
            }
            return status;
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b; (b = in.read()) != '\n'; ) {
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // gone already
            }
        }
    }
}
