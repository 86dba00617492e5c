package io.orderpipeline.e2e;

import com.github.luben.zstd.Zstd;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import net.jpountz.lz4.LZ4Factory;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.xerial.snappy.Snappy;

/**
 * Run by {@link ImageJarIT} in a JVM of its own whose class path is an image's jar and this one
 * class: loads each native library named on the command line from that jar and uses it (RocksDB:
 * open a database in the given folder, put, get; the compression codecs Kafka's clients use:
 * compress and decompress natively, no pure-Java fallback). Exits non-zero on the first failure.
 *
 * <p>Usage: {@code NativeLibrariesProbe <db-folder> [rocksdb] [zstd] [lz4] [snappy]}
 */
public final class NativeLibrariesProbe {

    private static final byte[] DATA = "order-pipeline order-pipeline order-pipeline".getBytes(StandardCharsets.UTF_8);

    private NativeLibrariesProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args[0]);
        for (String library : Arrays.asList(args).subList(1, args.length)) {
            switch (library) {
                case "rocksdb" -> rocksDb(folder);
                case "zstd" -> check(library, Zstd.decompress(Zstd.compress(DATA), DATA.length));
                case "lz4" -> {
                    LZ4Factory lz4 = LZ4Factory.nativeInstance();
                    check(library, lz4.fastDecompressor().decompress(lz4.fastCompressor().compress(DATA), DATA.length));
                }
                case "snappy" -> check(library, Snappy.uncompress(Snappy.compress(DATA)));
                default -> throw new IllegalArgumentException("unknown library " + library);
            }
            System.out.println(library + " loaded");
        }
    }

    private static void rocksDb(Path folder) throws Exception {
        RocksDB.loadLibrary();
        try (Options options = new Options().setCreateIfMissing(true);
                RocksDB db = RocksDB.open(options, folder.toString())) {
            db.put("key".getBytes(StandardCharsets.UTF_8), DATA);
            check("rocksdb", db.get("key".getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static void check(String library, byte[] roundTrip) {
        if (!Arrays.equals(DATA, roundTrip)) {
            throw new IllegalStateException(library + ": what was written is not what was read back");
        }
    }
}
