package io.orderpipeline.runtime;

import io.orderpipeline.common.Inputs;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The error handlers of every service ({@link ServiceConfig}): Kafka Streams' log-and-continue
 * handlers, which send a bad record to the dead-letter topic (KIP-1034) and go on, counting the
 * records they hand to it, for {@code /metrics} ({@code dead_letter_records_total}). The count is
 * this JVM's (one streams app per service process); under exactly-once a record handed over in a
 * transaction that then aborts is counted again when it is read again.
 */
public final class DeadLetters {

    private static final AtomicLong SENT = new AtomicLong();

    private DeadLetters() {
    }

    /** Records handed to the dead-letter topic since this JVM started. */
    public static long sent() {
        return SENT.get();
    }

    /** For records that cannot be read (the topic's serde fails). */
    public static final class OnDeserialization extends LogAndContinueExceptionHandler {
        @Override
        public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
            Response response = super.handleError(context, record, exception);
            SENT.addAndGet(response.deadLetterQueueRecords().size());
            return response;
        }
    }

    /** For records a step fails on (a timestamp too far ahead: {@link Inputs}). */
    public static final class OnProcessing extends LogAndContinueProcessingExceptionHandler {
        @Override
        public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
            Response response = super.handleError(context, record, exception);
            SENT.addAndGet(response.deadLetterQueueRecords().size());
            return response;
        }
    }
}
