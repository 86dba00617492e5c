package io.orderpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderpipeline.common.EnvVariable;
import io.orderpipeline.common.Service;
import io.orderpipeline.common.Services;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md's table of variables lists exactly the variables common-model's
 * {@link EnvVariable} declares, each with the services that read it ("all", "query services", or
 * the services by name; what follows a {@code ;} or {@code (} in that column is commentary). The
 * {@code KAFKA_<NAME>} row is the rule for Kafka properties, not a variable.
 */
class ConfigurationDocIT {

    private static final Pattern NAME = Pattern.compile("`([A-Z][A-Z0-9_]*)`");
    private static final List<String> QUERY_SERVICES = Services.ALL.stream().filter(Service::http).map(Service::name).toList();

    @Test
    void theTableListsExactlyTheDeclaredVariablesAndTheirReaders() throws IOException {
        String doc = Files.readString(Pipeline.projectRoot().resolve("docs").resolve("configuration.md"));
        Map<String, List<String>> declared = new TreeMap<>();
        for (EnvVariable variable : EnvVariable.values()) {
            declared.put(variable.name(), variable.services());
        }
        assertThat(documented(doc)).isEqualTo(declared);

        // the check can fail: a variable left out, one the code does not read, the wrong readers
        String wrong = doc.replace("| `LOG_LEVEL` |", "| `LOG_LEVELS` |").replace("| 10000 | customer-stats |", "| 10000 | all |");
        Map<String, List<String>> seen = documented(wrong);
        assertThat(seen).doesNotContainKey("LOG_LEVEL").containsKey("LOG_LEVELS").containsEntry("ALERT_THRESHOLD", Services.NAMES);
        assertThat(seen).isNotEqualTo(declared);
    }

    /** The table under "## The variables": each variable named in a row's first column, with the services of its "read by" column. */
    static Map<String, List<String>> documented(String doc) {
        int start = doc.indexOf("\n## The variables");
        assertThat(start).as("docs/configuration.md has a section 'The variables'").isNotNegative();
        Map<String, List<String>> variables = new TreeMap<>();
        boolean inTable = false;
        for (String line : doc.substring(start).split("\n")) {
            if (!line.startsWith("|")) {
                if (inTable) {
                    break;
                }
                continue;
            }
            inTable = true;
            String[] cells = line.split("\\|");
            if (cells.length < 4 || cells[1].contains("variable") || cells[1].contains("---") || cells[1].contains("KAFKA_<NAME>")) {
                continue;
            }
            List<String> readers = readers(cells[3].trim());
            Matcher name = NAME.matcher(cells[1]);
            while (name.find()) {
                assertThat(variables.put(name.group(1), readers)).as(name.group(1) + " listed once").isNull();
            }
        }
        return variables;
    }

    private static List<String> readers(String cell) {
        String head = cell.split("[;(]")[0].trim();
        if (head.equals("all")) {
            return Services.NAMES;
        }
        if (head.equals("query services")) {
            return QUERY_SERVICES;
        }
        List<String> services = new ArrayList<>();
        for (String service : head.split(",")) {
            services.add(Services.named(service.trim()).name());
        }
        return Services.NAMES.stream().filter(services::contains).toList();
    }
}
