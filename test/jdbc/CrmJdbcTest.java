// crm as a BI tool sees it: over JDBC (Debian's pgjdbc), with prepared
// statements and parameters, crm types read as text and as jsonb,
// set-returning functions read as result sets, and column names and types
// checked through ResultSetMetaData.  Run by test/jdbc/run inside the test
// cluster, on a database where the CDNOW sample is loaded as cdnow_log.
//
// Prints one line per check group, "test NAME ... ok" or "test NAME ...
// FAILED" (as pg_regress does, so test/run counts them), and exits non-zero
// if any group failed.
//
// Reference numbers (independently published, see ../shared/data/published):
// CDNOW at 1997-09-30 in weeks: 2357 customers, sum of x = 2457, 1411 with
// x = 0, 946 repeaters; BTYD's BG/NBD estimates r = 0.2425982,
// alpha = 4.4136842, a = 0.7929899, b = 2.4261667, LL = -9582.429; at
// (0.243, 4.414, 0.793, 2.426) the customer (26, 30.857, 31) has
// CET(52) = 25.7566 and P(alive) = 0.96885; Gamma-Gamma p = 6.25,
// q = 3.74, gamma = 15.44 (Fader & Hardie 2013); R's survival quantile test
// data give S = 6/7, 18/35, 9/35 at 1, 6, 9 and median 9.

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class CrmJdbcTest {

    // one group of checks, run on the shared connection
    interface Group {
        void run(Connection c) throws Exception;
    }

    // number of failed groups
    static int failed = 0;

    // the fitted BG/NBD model as text, shared between groups
    static String bgnbdText;

    // the calibration summaries of CDNOW at 1997-09-30, in weeks
    static final String CBS = "SELECT customer_id, (crm.summary(purchased_on, amount, ?::date, ?::interval)).* "
            + "FROM cdnow_log GROUP BY customer_id";

    // run one group and print its line
    static void group(String name, Connection c, Group g) {
        try {
            g.run(c);
            System.out.println("test " + name + " ... ok");
        } catch (Throwable e) {
            failed++;
            System.out.println("test " + name + " ... FAILED");
            System.out.println("    " + e);
        }
    }

    // fail the group unless cond holds
    static void check(boolean cond, String what) {
        if (!cond)
            throw new AssertionError(what);
    }

    // fail the group unless |got - want| <= tol
    static void near(double got, double want, double tol, String what) {
        if (!(Math.abs(got - want) <= tol))
            throw new AssertionError(what + ": got " + got + ", want " + want + " +- " + tol);
    }

    // fail the group unless got equals want
    static void same(Object got, Object want, String what) {
        if (got == null ? want != null : !got.equals(want))
            throw new AssertionError(what + ": got " + got + ", want " + want);
    }

    // fail the group unless the result columns have these names and type names
    static void columns(ResultSetMetaData md, String[] names, String[] types) throws SQLException {
        same(md.getColumnCount(), names.length, "column count");
        for (int i = 0; i < names.length; i++) {
            same(md.getColumnName(i + 1), names[i], "column " + (i + 1) + " name");
            same(md.getColumnTypeName(i + 1), types[i], "column " + names[i] + " type");
        }
    }

    // a number from a flat JSON object's text, by key
    static double jsonNumber(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": *(-?[0-9.eE+-]+)").matcher(json);
        check(m.find(), "key " + key + " in " + json);
        return Double.parseDouble(m.group(1));
    }

    public static void main(String[] args) throws Exception {
        String host = System.getenv().getOrDefault("PGHOST", "localhost");
        if (host.startsWith("/"))
            host = "localhost";     // a socket directory: BI tools connect over TCP
        String url = "jdbc:postgresql://" + host + ":" + System.getenv().getOrDefault("PGPORT", "5432") + "/"
                + (args.length > 0 ? args[0] : "crm_jdbc");
        Properties props = new Properties();
        props.setProperty("user", System.getenv().getOrDefault("PGUSER", "postgres"));
        if (System.getenv("PGPASSWORD") != null)
            props.setProperty("password", System.getenv("PGPASSWORD"));
        // server-side prepared statements from the first execution, as a
        // BI tool's repeated queries end up
        props.setProperty("prepareThreshold", "1");

        try (Connection c = DriverManager.getConnection(url, props)) {
            group("jdbc_connect", c, CrmJdbcTest::connect);
            group("jdbc_summary", c, CrmJdbcTest::summary);
            group("jdbc_bgnbd_fit", c, CrmJdbcTest::bgnbdFit);
            group("jdbc_model_text_jsonb", c, CrmJdbcTest::modelTextJsonb);
            group("jdbc_parameters", c, CrmJdbcTest::parameters);
            group("jdbc_predictions", c, CrmJdbcTest::predictions);
            group("jdbc_gammagamma", c, CrmJdbcTest::gammagamma);
            group("jdbc_rfm", c, CrmJdbcTest::rfm);
            group("jdbc_survival_table", c, CrmJdbcTest::survivalTable);
            group("jdbc_errors", c, CrmJdbcTest::errors);
        } catch (SQLException e) {
            System.out.println("test jdbc_connect ... FAILED");
            System.out.println("    " + e);
            System.exit(1);
        }
        System.exit(failed == 0 ? 0 : 1);
    }

    // the driver connects and the extension answers a parameterized query
    static void connect(Connection c) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT crm.version() AS version, extversion FROM pg_extension WHERE extname = ?")) {
            ps.setString(1, "crm");
            try (ResultSet rs = ps.executeQuery()) {
                columns(rs.getMetaData(), new String[] {"version", "extversion"}, new String[] {"text", "text"});
                check(rs.next(), "crm is installed");
                same(rs.getString(1), rs.getString(2), "library and SQL versions");
            }
        }
        check(c.getMetaData().getDatabaseMajorVersion() == 15, "PostgreSQL 15");
    }

    // the customer summary as a result set: the published CDNOW totals
    static void summary(Connection c) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) AS customers, sum(frequency) AS sum_x, "
                + "count(*) FILTER (WHERE frequency = 0) AS zero_repeaters, "
                + "count(*) FILTER (WHERE frequency > 0) AS repeaters FROM (" + CBS + ") s")) {
            ps.setString(1, "1997-09-30");
            ps.setString(2, "1 week");
            for (int run = 0; run < 3; run++) {     // the third run uses the server-side plan
                try (ResultSet rs = ps.executeQuery()) {
                    columns(rs.getMetaData(), new String[] {"customers", "sum_x", "zero_repeaters", "repeaters"},
                            new String[] {"int8", "int8", "int8", "int8"});
                    check(rs.next(), "one row");
                    same(rs.getLong("customers"), 2357L, "customers");
                    same(rs.getLong("sum_x"), 2457L, "sum of x");
                    same(rs.getLong("zero_repeaters"), 1411L, "customers with x = 0");
                    same(rs.getLong("repeaters"), 946L, "repeaters");
                }
            }
        }
        // the composite's fields with their SQL types
        try (PreparedStatement ps = c.prepareStatement(CBS + " ORDER BY customer_id LIMIT 1")) {
            ps.setString(1, "1997-09-30");
            ps.setString(2, "1 week");
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                List<String> cols = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++)
                    cols.add(md.getColumnName(i) + ":" + md.getColumnTypeName(i));
                check(cols.contains("first_purchase:date") && cols.contains("frequency:int4")
                        && cols.contains("recency:float8") && cols.contains("t:float8")
                        && cols.contains("monetary_value:float8") && cols.contains("unit:interval"),
                        "summary columns " + cols);
                check(rs.next(), "customer 1");
                same(rs.getInt("customer_id"), 1, "first customer");
            }
        }
    }

    // fit BG/NBD on CDNOW with the cut-off and unit as parameters
    static void bgnbdFit(Connection c) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT crm.bgnbd_fit(frequency, recency, t) AS model FROM (" + CBS + ") s")) {
            ps.setString(1, "1997-09-30");
            ps.setString(2, "1 week");
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                check(md.getColumnTypeName(1).equals("\"crm\".\"bgnbd\""),
                        "model column type " + md.getColumnTypeName(1));
                same(md.getColumnType(1), Types.OTHER, "JDBC type of a crm type");
                check(rs.next(), "one row");
                bgnbdText = rs.getString(1);
                check(bgnbdText != null && bgnbdText.startsWith("r="), "model text " + bgnbdText);
            }
        }
    }

    // the model as text round-trips through a parameter; as jsonb it has the estimates
    static void modelTextJsonb(Connection c) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT ?::crm.bgnbd::text = ? AS round_trips, ?::crm.bgnbd::jsonb AS model_jsonb, "
                + "crm.converged(?::crm.bgnbd) AS converged, crm.customers(?::crm.bgnbd) AS customers")) {
            for (int i = 1; i <= 5; i++)
                ps.setString(i, bgnbdText);
            try (ResultSet rs = ps.executeQuery()) {
                columns(rs.getMetaData(), new String[] {"round_trips", "model_jsonb", "converged", "customers"},
                        new String[] {"bool", "jsonb", "bool", "int8"});
                check(rs.next(), "one row");
                check(rs.getBoolean("round_trips"), "text form round-trips exactly");
                String json = rs.getString("model_jsonb");
                near(jsonNumber(json, "r"), 0.2425982, 1e-4, "jsonb r");
                near(jsonNumber(json, "alpha"), 4.4136842, 1e-3, "jsonb alpha");
                near(jsonNumber(json, "ll"), -9582.429, 0.01, "jsonb ll");
                near(jsonNumber(json, "n"), 2357, 0, "jsonb n");
                check(rs.getBoolean("converged"), "converged");
                same(rs.getLong("customers"), 2357L, "customers");
            }
        }
        // and read back from a table through a typed parameter
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TEMP TABLE jdbc_models (name text PRIMARY KEY, model crm.bgnbd)");
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO jdbc_models VALUES (?, ?::crm.bgnbd)")) {
            ps.setString(1, "cdnow");
            ps.setString(2, bgnbdText);
            same(ps.executeUpdate(), 1, "inserted");
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT model FROM jdbc_models WHERE name = ?")) {
            ps.setString(1, "cdnow");
            try (ResultSet rs = ps.executeQuery()) {
                check(rs.next(), "stored model");
                same(rs.getString(1), bgnbdText, "stored model text");
            }
        }
    }

    // crm.parameters(model) as a result set: names, types, BTYD's estimates
    static void parameters(Connection c) throws Exception {
        double[][] want = {{0.2425982, 1e-4}, {4.4136842, 1e-3}, {0.7929899, 1e-4}, {2.4261667, 1e-3}};
        String[] names = {"r", "alpha", "a", "b"};
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM crm.parameters(?::crm.bgnbd)")) {
            ps.setString(1, bgnbdText);
            try (ResultSet rs = ps.executeQuery()) {
                columns(rs.getMetaData(), new String[] {"parameter", "estimate", "std_error"},
                        new String[] {"text", "float8", "float8"});
                for (int i = 0; i < names.length; i++) {
                    check(rs.next(), "row " + names[i]);
                    same(rs.getString("parameter"), names[i], "parameter " + i);
                    near(rs.getDouble("estimate"), want[i][0], want[i][1], names[i]);
                    check(rs.getDouble("std_error") > 0 && !rs.wasNull(), "std_error of " + names[i]);
                }
                check(!rs.next(), "four parameters");
            }
        }
    }

    // P(alive) and CET at the published parameters, with double parameters
    static void predictions(Connection c) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT crm.p_alive(m, ?, ?, ?) AS p_alive, crm.expected_purchases(m, ?, ?, ?, ?) AS cet "
                + "FROM (SELECT crm.bgnbd(?, ?, ?, ?) AS m) x")) {
            double[] v = {26, 30.857, 31, 52, 26, 30.857, 31, 0.243, 4.414, 0.793, 2.426};
            for (int i = 0; i < v.length; i++)
                ps.setDouble(i + 1, v[i]);
            try (ResultSet rs = ps.executeQuery()) {
                columns(rs.getMetaData(), new String[] {"p_alive", "cet"}, new String[] {"float8", "float8"});
                check(rs.next(), "one row");
                near(rs.getDouble("p_alive"), 0.96885, 5e-6, "P(alive)");
                near(rs.getDouble("cet") / 25.7566, 1, 1e-4, "CET(52) relative");
            }
        }
    }

    // Gamma-Gamma fitted on the repeaters, read through the jsonb cast
    static void gammagamma(Connection c) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT crm.gammagamma_fit(frequency, monetary_value)::jsonb AS model FROM (" + CBS + ") s")) {
            ps.setString(1, "1997-09-30");
            ps.setString(2, "1 week");
            try (ResultSet rs = ps.executeQuery()) {
                columns(rs.getMetaData(), new String[] {"model"}, new String[] {"jsonb"});
                check(rs.next(), "one row");
                String json = rs.getString(1);
                near(jsonNumber(json, "p"), 6.25, 0.005, "p");
                near(jsonNumber(json, "q"), 3.74, 0.005, "q");
                near(jsonNumber(json, "gamma"), 15.44, 0.005, "gamma");
                near(jsonNumber(json, "n"), 946, 0, "repeaters");
            }
        }
    }

    // RFM scores as text, segments, and the segment rules as a result set
    static void rfm(Connection c) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT ?::crm.rfm AS score, crm.rfm_segment(?::crm.rfm) AS segment, crm.r(?::crm.rfm) AS r")) {
            ps.setString(1, "5-5-5");
            ps.setString(2, "555");
            ps.setString(3, "432");
            try (ResultSet rs = ps.executeQuery()) {
                columns(rs.getMetaData(), new String[] {"score", "segment", "r"},
                        new String[] {"\"crm\".\"rfm\"", "text", "int4"});
                check(rs.next(), "one row");
                same(rs.getString("score"), "555", "score text");
                same(rs.getString("segment"), "Champions", "segment of 555");
                same(rs.getInt("r"), 4, "R of 432");
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM crm.rfm_segment_rules(?::text)")) {
            ps.setString(1, "rfm");
            try (ResultSet rs = ps.executeQuery()) {
                columns(rs.getMetaData(),
                        new String[] {"position", "segment", "r_low", "r_high", "f_low", "f_high", "m_low", "m_high"},
                        new String[] {"int4", "text", "int4", "int4", "int4", "int4", "int4", "int4"});
                int rows = 0;
                String first = null, last = null;
                while (rs.next()) {
                    rows++;
                    same(rs.getInt("position"), rows, "positions in order");
                    if (first == null)
                        first = rs.getString("segment");
                    last = rs.getString("segment");
                }
                same(rows, 10, "rules of the rfm map");
                same(first, "Champions", "first rule");
                same(last, "Lost", "last rule");
            }
        }
    }

    // Kaplan-Meier from array parameters, crm.survival_table as a result set
    static void survivalTable(Connection c) throws Exception {
        Array d = c.createArrayOf("float8", new Double[] {9.0, 1.0, 1.0, 6.0, 6.0, 8.0, 10.0});
        Array e = c.createArrayOf("bool", new Boolean[] {true, true, false, true, true, false, false});
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT t.* FROM crm.survival_table((SELECT crm.km_fit(d, e) FROM unnest(?::float8[], ?::bool[]) u(d, e))) t")) {
            ps.setArray(1, d);
            ps.setArray(2, e);
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                same(md.getColumnName(2), "n_risk", "second column");
                double[][] want = {{1, 7, 6.0 / 7}, {6, 5, 18.0 / 35}, {9, 2, 9.0 / 35}};
                for (double[] w : want) {
                    check(rs.next(), "row at " + w[0]);
                    near(rs.getDouble("time"), w[0], 0, "time");
                    near(rs.getDouble("n_risk"), w[1], 0, "n_risk");
                    near(rs.getDouble("survival"), w[2], 1e-12, "S(" + w[0] + ")");
                }
                check(!rs.next(), "three event times");
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT crm.median_survival(crm.km_fit(d, e)) FROM unnest(?::float8[], ?::bool[]) u(d, e)")) {
            ps.setArray(1, d);
            ps.setArray(2, e);
            try (ResultSet rs = ps.executeQuery()) {
                check(rs.next(), "one row");
                near(rs.getDouble(1), 9, 0, "median");
            }
        }
    }

    // bad input reaches the client as an SQLException with the documented SQLSTATE
    static void errors(Connection c) throws Exception {
        String[][] cases = {
            {"SELECT crm.bgnbd(?, 1, 1, 1)", "-1", "22023"},       // parameter must be > 0
            {"SELECT ?::crm.bgnbd", "r=oops", "22P02"},             // malformed model text
            {"SELECT crm.rfm_segment('555'::crm.rfm, ?::text)", "no_such_map", "22023"},
        };
        for (String[] k : cases) {
            try (PreparedStatement ps = c.prepareStatement(k[0])) {
                if (k[0].contains("crm.bgnbd(?"))
                    ps.setDouble(1, Double.parseDouble(k[1]));
                else
                    ps.setString(1, k[1]);
                ps.executeQuery().close();
                throw new AssertionError("no error for " + k[0]);
            } catch (SQLException ex) {
                same(ex.getSQLState(), k[2], "SQLSTATE of " + k[0]);
            }
        }
        // the connection is still usable after the errors (autocommit)
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
            check(rs.next() && rs.getInt(1) == 1, "connection usable");
        }
    }
}
