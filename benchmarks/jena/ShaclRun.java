// Apache Jena SHACL runner for benchmarks/validate.py.
// Usage: java -cp "/usr/share/java/*:." ShaclRun SHAPES.ttl ONTOLOGY_DIR DATA_DIR
// Loads data + ontology into one graph (class hierarchy), validates, prints the number of results.
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
        System.out.println(report.getEntries().size());
    }
}
