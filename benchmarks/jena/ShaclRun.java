// Apache Jena SHACL runner for benchmarks/validate.py.
// Usage: java -cp "/usr/share/java/*:." ShaclRun SHAPES.ttl ONTOLOGY_DIR DATA_DIR
// Loads data + ontology into one graph (class hierarchy), validates, prints the number of results;
// with SHACL_REPORT=FILE in the environment, also writes the validation report there (N-Triples),
// for comparing findings one by one (tests/jena.py, benchmarks/validate.py --compare).
import java.io.File;
import org.apache.jena.graph.Graph;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.shacl.ShaclValidator;
import org.apache.jena.shacl.Shapes;
import org.apache.jena.shacl.ValidationReport;
import org.apache.jena.sparql.graph.GraphFactory;

public class ShaclRun {
    public static void main(String[] args) {
        Graph shapesGraph = RDFDataMgr.loadGraph(args[0]);
        Graph data = GraphFactory.createDefaultGraph();
        for (int i = 1; i < args.length; i++) {
            File[] files = new File(args[i]).listFiles();
            java.util.Arrays.sort(files);
            for (File f : files) RDFDataMgr.read(data, f.getPath());
        }
        Shapes shapes = Shapes.parse(shapesGraph);
        ValidationReport report = ShaclValidator.get().validate(shapes, data);
        String out = System.getenv("SHACL_REPORT");
        if (out != null) {
            try (java.io.OutputStream os = new java.io.FileOutputStream(out)) {
                RDFDataMgr.write(os, report.getGraph(), org.apache.jena.riot.Lang.NTRIPLES);
            } catch (java.io.IOException e) {
                throw new RuntimeException(e);
            }
        }
        System.out.println(report.getEntries().size());
    }
}
