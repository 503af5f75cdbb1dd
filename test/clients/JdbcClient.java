/*
 * The Java client: the PostgreSQL JDBC driver, as JDBC-based BI tools use it.
 *
 * Reads the fixture's raw rows, computes every expected answer itself, and
 * checks what viewstats returns: the streak aggregates through getInt, dayset
 * values through getString in text mode, and through getBytes with binary
 * transfer enabled for the dayset type (prepareThreshold=-1 makes even the
 * first execution a named, binary-capable statement), and the privacy-safe
 * counts. Prints "ok"/"not ok" lines; exits 1 on any
 * mismatch. Connects over TCP using PGHOST, PGPORT, PGDATABASE and PGUSER.
 *
 * Run: java -cp /usr/share/java/postgresql.jar JdbcClient.java
 */
import java.nio.ByteBuffer;
import java.sql.*;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.*;
import org.postgresql.util.PGobject;

public class JdbcClient
{
	static final LocalDate PG_EPOCH = LocalDate.of(2000, 1, 1);
	static final LocalDate AS_OF = LocalDate.of(2017, 12, 10);
	static int checks = 0;
	static boolean failed = false;

	static void check(boolean ok, String what, String detail)
	{
		checks++;
		System.out.println((ok ? "ok " : "not ok ") + checks + " - java: " + what + (ok ? "" : ": " + detail));
		failed |= !ok;
	}

	/* ---- the oracle: plain Java over the raw rows ---- */

	static List<LocalDate[]> runs(SortedSet<LocalDate> days)
	{
		List<LocalDate[]> out = new ArrayList<>();
		for (LocalDate d : days)
		{
			if (!out.isEmpty() && ChronoUnit.DAYS.between(out.get(out.size() - 1)[1], d) == 1)
				out.get(out.size() - 1)[1] = d;
			else
				out.add(new LocalDate[] {d, d});
		}
		return out;
	}

	static int longest(SortedSet<LocalDate> days, int maxGap)
	{
		int best = 0, cur = 0;
		LocalDate prev = null;
		for (LocalDate d : days)
		{
			cur = (prev != null && ChronoUnit.DAYS.between(prev, d) <= maxGap + 1) ? cur + 1 : 1;
			best = Math.max(best, cur);
			prev = d;
		}
		return best;
	}

	static int current(SortedSet<LocalDate> days, LocalDate asOf)
	{
		List<LocalDate> ds = new ArrayList<>(days.headSet(asOf.plusDays(1)));
		if (ds.isEmpty() || ChronoUnit.DAYS.between(ds.get(ds.size() - 1), asOf) > 1)
			return 0;
		int n = 1;
		for (int i = ds.size() - 1; i > 0 && ChronoUnit.DAYS.between(ds.get(i - 1), ds.get(i)) == 1; i--)
			n++;
		return n;
	}

	static String textForm(SortedSet<LocalDate> days)
	{
		StringJoiner j = new StringJoiner(",", "{", "}");
		for (LocalDate[] r : runs(days))
			j.add(r[0].equals(r[1]) ? r[0].toString() : r[0] + "/" + r[1]);
		return j.toString();
	}

	static byte[] wireForm(SortedSet<LocalDate> days)
	{
		List<LocalDate[]> rs = runs(days);
		ByteBuffer b = ByteBuffer.allocate(8 + 8 * rs.size());	/* big-endian */
		b.put((byte) 1).put((byte) 0).putShort((short) 0).putInt(rs.size());
		for (LocalDate[] r : rs)
			b.putInt((int) ChronoUnit.DAYS.between(PG_EPOCH, r[0]))
				.putInt((int) ChronoUnit.DAYS.between(PG_EPOCH, r[1]));
		return b.array();
	}

	/* ---- the client ---- */

	static Connection connect(String extra) throws SQLException
	{
		String env = System.getenv("PGHOST");
		String host = (env == null || env.startsWith("/")) ? "127.0.0.1" : env;
		String url = "jdbc:postgresql://" + host + ":" + System.getenv().getOrDefault("PGPORT", "5432")
			+ "/" + System.getenv("PGDATABASE") + extra;
		Properties p = new Properties();
		p.setProperty("user", System.getenv().getOrDefault("PGUSER", "postgres"));
		return DriverManager.getConnection(url, p);
	}

	static final String GROUPS =
		"SELECT viewer_id, title_id, longest_streak(day), longest_streak(day, 1), "
		+ "current_streak(day, ?), dayset_agg(day) FROM views GROUP BY 1, 2 ORDER BY 1, 2";

	public static void main(String[] args) throws Exception
	{
		try
		{
			run();
		}
		catch (SQLException e)
		{
			check(false, "client ran to the end", e.getSQLState() + " " + e.getMessage());
		}
		System.exit(failed ? 1 : 0);
	}

	static void run() throws SQLException
	{
		Map<String, SortedSet<LocalDate>> raw = new HashMap<>();
		Map<Integer, Set<Integer>> viewers = new HashMap<>();
		int daysetOid;
		try (Connection c = connect(""); Statement s = c.createStatement())
		{
			try (ResultSet rs = s.executeQuery("SELECT viewer_id, title_id, day FROM views"))
			{
				while (rs.next())
				{
					raw.computeIfAbsent(rs.getInt(1) + "," + rs.getInt(2), k -> new TreeSet<>())
						.add(rs.getObject(3, LocalDate.class));
					viewers.computeIfAbsent(rs.getInt(2), k -> new HashSet<>()).add(rs.getInt(1));
				}
			}
			check(raw.size() == 62, "fixture has 62 viewer-title groups", "" + raw.size());
			try (ResultSet rs = s.executeQuery("SELECT 'dayset'::regtype::oid"))
			{
				rs.next();
				daysetOid = rs.getInt(1);
			}

			/* Text transfer: getInt for the streaks, getString for the dayset. */
			try (ResultSet rs = s.executeQuery("SELECT dayset_agg(day) FROM views"))
			{
				ResultSetMetaData md = rs.getMetaData();
				check(md.getColumnType(1) == Types.OTHER && md.getColumnTypeName(1).equals("dayset"),
					  "dayset column reported as OTHER/dayset", md.getColumnTypeName(1));
			}
			checkGroups(c, raw, "getInt streaks, getString and getObject (PGobject) dayset text match the oracle",
						(rs, days) -> {
							String want = longest(days, 0) + " " + longest(days, 1) + " " + current(days, AS_OF)
								+ " " + textForm(days);
							String got = rs.getInt(3) + " " + rs.getInt(4) + " " + rs.getInt(5) + " " + rs.getString(6);
							Object o = rs.getObject(6);
							if (!(o instanceof PGobject) || !((PGobject) o).getType().equals("dayset")
								|| !textForm(days).equals(((PGobject) o).getValue()))
								return "getObject gave " + o;
							return want.equals(got) ? null : "want " + want + " got " + got;
						});
			safeCounts(c, viewers);
		}

		/*
		 * The driver's defaults with server-prepared statements from the
		 * first execution, where pgjdbc asks for binary results for the
		 * built-in types it decodes: dayset is not among them and comes as
		 * text, so getString works as in simple queries.
		 */
		try (Connection c = connect("?prepareThreshold=-1"))
		{
			checkGroups(c, raw, "server-prepared statements: getString still gives dayset text",
						(rs, days) -> {
							String want = longest(days, 0) + " " + current(days, AS_OF) + " " + textForm(days);
							String got = rs.getInt(3) + " " + rs.getInt(5) + " " + rs.getString(6);
							return want.equals(got) ? null : "want " + want + " got " + got;
						});
		}

		/*
		 * Binary transfer. pgjdbc asks for binary results only for the types
		 * in binaryTransferEnable, and only on named statements, which
		 * prepareThreshold=-1 uses from the first execution on.
		 */
		try (Connection c = connect("?binaryTransfer=true&prepareThreshold=-1&binaryTransferEnable=" + daysetOid))
		{
			checkGroups(c, raw, "getBytes under binary transfer gives the dayset's binary form",
						(rs, days) -> {
							byte[] got = rs.getBytes(6);
							return Arrays.equals(got, wireForm(days)) && rs.getInt(3) == longest(days, 0)
								? null : HexFormat.of().formatHex(got);
						});

			/*
			 * With the dayset type in binaryTransferEnable, pgjdbc (42.5) has
			 * no binary decoder for it: getString and getObject().getValue()
			 * return null, so read such columns with getBytes.
			 */
			try (PreparedStatement ps = c.prepareStatement("SELECT dayset_agg(day) FROM views");
				 ResultSet rs = ps.executeQuery())
			{
				rs.next();
				System.out.println("# note: getString of a binary-transferred dayset gives " + rs.getString(1));
			}

			/* A parameter bound with setString is cast to dayset by the server. */
			SortedSet<LocalDate> days = raw.get("41,1");
			try (PreparedStatement p2 = c.prepareStatement("SELECT ?::text, longest_streak(?::dayset)"))
			{
				p2.setString(1, textForm(days));
				p2.setString(2, textForm(days));
				try (ResultSet rs = p2.executeQuery())
				{
					rs.next();
					check(rs.getString(1).equals("{2017-11-23/2017-12-10}") && rs.getInt(2) == 18,
						  "dayset text parameter read back", rs.getString(1) + " " + rs.getInt(2));
				}
			}
		}
		restricted(raw, viewers);
	}

	interface RowCheck
	{
		/* null when the row is right, else what is wrong */
		String mismatch(ResultSet rs, SortedSet<LocalDate> days) throws SQLException;
	}

	/* Run GROUPS on c and check every row against the raw rows' group. */
	static void checkGroups(Connection c, Map<String, SortedSet<LocalDate>> raw, String what, RowCheck rc)
		throws SQLException
	{
		List<String> bad = new ArrayList<>();
		int rows = 0;

		try (PreparedStatement ps = c.prepareStatement(GROUPS))
		{
			ps.setObject(1, AS_OF);
			try (ResultSet rs = ps.executeQuery())
			{
				while (rs.next())
				{
					String key = rs.getInt(1) + "," + rs.getInt(2);
					String m = rc.mismatch(rs, raw.get(key));

					rows++;
					if (m != null)
						bad.add(key + ": " + m);
				}
			}
		}
		check(rows == raw.size() && bad.isEmpty(), what, String.join("; ", bad));
	}

	/* A restricted group: published iff n >= 10, then within tol of n */
	static boolean publishedOk(Long got, int n, int tol)
	{
		return got == null ? n < 10 : n >= 10 && Math.abs(got - n) <= tol;
	}

	/*
	 * The restricted role of restricted_fixture.sql, as a JDBC BI tool uses
	 * it: DatabaseMetaData, a public table, and the queries as
	 * server-prepared statements (prepareThreshold=1), against the oracle.
	 */
	static void restricted(Map<String, SortedSet<LocalDate>> raw, Map<Integer, Set<Integer>> viewers)
		throws SQLException
	{
		String env = System.getenv("PGHOST");
		String host = (env == null || env.startsWith("/")) ? "127.0.0.1" : env;
		String url = "jdbc:postgresql://" + host + ":" + System.getenv().getOrDefault("PGPORT", "5432")
			+ "/" + System.getenv("PGDATABASE") + "?prepareThreshold=1";
		Properties p = new Properties();
		p.setProperty("user", System.getenv("VS_RESTRICTED_USER"));
		try (Connection c = DriverManager.getConnection(url, p))
		{
			DatabaseMetaData md = c.getMetaData();
			Set<String> tables = new TreeSet<>();
			try (ResultSet rs = md.getTables(null, "public", "%", new String[] {"TABLE"}))
			{
				while (rs.next())
					tables.add(rs.getString("TABLE_NAME"));
			}
			check(tables.contains("views_p") && tables.contains("titles_p"),
				  "restricted: DatabaseMetaData.getTables", tables.toString());
			int cols = 0;
			try (ResultSet rs = md.getColumns(null, "public", "views_p", "%"))
			{
				while (rs.next())
					cols++;
			}
			check(cols == 3, "restricted: DatabaseMetaData.getColumns", "" + cols);
			try (Statement s = c.createStatement();
				 ResultSet rs = s.executeQuery("SELECT viewstats.access_level()"))
			{
				rs.next();
				check(rs.getString(1).equals("restricted"), "restricted: the session is restricted", rs.getString(1));
			}
			try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM titles_p");
				 ResultSet rs = ps.executeQuery())
			{
				rs.next();
				check(rs.getInt(1) == 4, "restricted: a public table is read freely", "" + rs.getInt(1));
			}
			List<String> bad = new ArrayList<>();
			boolean title1 = false;
			try (PreparedStatement ps = c.prepareStatement(
				"SELECT title_id, dp_count(viewer_id, 0.5) FROM views_p GROUP BY title_id");
				 ResultSet rs = ps.executeQuery())
			{
				while (rs.next())
				{
					int t = rs.getInt(1);
					title1 |= t == 1;
					if (Math.abs(rs.getLong(2) - viewers.get(t).size()) >= 40)
						bad.add("title " + t + ": " + rs.getLong(2));
				}
			}
			check(title1 && bad.isEmpty(), "restricted: query 1, dp_count per title (prepared)", bad.toString());
			bad.clear();
			try (PreparedStatement ps = c.prepareStatement(
				"SELECT t.name, perturbed_count(v.viewer_id) FROM views_p v JOIN titles_p t USING (title_id) "
				+ "WHERE v.title_id = ? GROUP BY t.name"))
			{
				for (int t = 1; t <= 3; t++)
				{
					ps.setInt(1, t);
					try (ResultSet rs = ps.executeQuery())
					{
						Long got = rs.next() ? rs.getLong(2) : null;
						if (!publishedOk(got, viewers.get(t).size(), 2))
							bad.add("title " + t + ": " + got + " for " + viewers.get(t).size());
					}
				}
			}
			check(bad.isEmpty(), "restricted: query 4, a join with titles, with a parameter", bad.toString());
			bad.clear();
			try (PreparedStatement ps = c.prepareStatement(
				"SELECT ls, perturbed_count(viewer_id) FROM (SELECT viewer_id, longest_streak(day) AS ls "
				+ "FROM views_p WHERE title_id = ? GROUP BY viewer_id) s GROUP BY ls"))
			{
				for (int t = 1; t <= 3; t++)
				{
					Map<Integer, Integer> want = new HashMap<>();
					for (Map.Entry<String, SortedSet<LocalDate>> e : raw.entrySet())
						if (e.getKey().endsWith("," + t))
							want.merge(longest(e.getValue(), 0), 1, Integer::sum);
					Map<Integer, Long> got = new HashMap<>();
					ps.setInt(1, t);
					try (ResultSet rs = ps.executeQuery())
					{
						while (rs.next())
							got.put(rs.getInt(1), rs.getLong(2));
					}
					for (Map.Entry<Integer, Integer> w : want.entrySet())
						if (!publishedOk(got.get(w.getKey()), w.getValue(), 2))
							bad.add("title " + t + " ls " + w.getKey() + ": " + got.get(w.getKey()) + " for " + w.getValue());
					for (Integer ls : got.keySet())
						if (!want.containsKey(ls))
							bad.add("title " + t + " ls " + ls + " published, no such group");
				}
			}
			check(bad.isEmpty(), "restricted: query 3, a histogram of a per-unit label", bad.toString());
			try (PreparedStatement ps = c.prepareStatement("SELECT viewer_id FROM views_p");
				 ResultSet rs = ps.executeQuery())
			{
				check(false, "restricted: raw rows refused", "returned rows");
			}
			catch (SQLException e)
			{
				check("42501".equals(e.getSQLState()), "restricted: raw rows refused with 42501", e.getSQLState());
			}
		}
	}

	static void safeCounts(Connection c, Map<Integer, Set<Integer>> viewers) throws SQLException
	{
		int k;
		try (Statement s = c.createStatement();
			 ResultSet rs = s.executeQuery("SELECT current_setting('viewstats.min_group_size')::int"))
		{
			rs.next();
			k = rs.getInt(1);
		}
		List<String> bad = new ArrayList<>();
		try (Statement s = c.createStatement();
			 ResultSet rs = s.executeQuery(
				 "SELECT title_id, suppressed_count(viewer_id), perturbed_count(viewer_id), "
				 + "dp_count(viewer_id, 1.0) FROM views GROUP BY title_id ORDER BY title_id"))
		{
			while (rs.next())
			{
				int n = viewers.get(rs.getInt(1)).size();
				long sup = rs.getLong(2);
				boolean supNull = rs.wasNull();
				long per = rs.getLong(3);
				boolean perNull = rs.wasNull();
				if (n >= k ? (supNull || sup != n) : !supNull)
					bad.add("title " + rs.getInt(1) + " suppressed " + (supNull ? "NULL" : sup) + " for " + n);
				if (n >= k ? (perNull || Math.abs(per - n) > 2) : !perNull)
					bad.add("title " + rs.getInt(1) + " perturbed " + (perNull ? "NULL" : per) + " for " + n);
			}
		}
		check(bad.isEmpty(), "suppressed_count and perturbed_count through getLong/wasNull", String.join("; ", bad));
	}
}
