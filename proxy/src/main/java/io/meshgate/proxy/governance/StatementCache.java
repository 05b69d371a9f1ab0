package io.meshgate.proxy.governance;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.meshgate.policy.Decision;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.StatementKind;
import io.meshgate.proxy.governance.RecordingSchemaCatalog.SchemaLookup;
import io.meshgate.rewriter.AnalyzedStatement;
import io.meshgate.rewriter.RewrittenStatement;
import io.meshgate.rewriter.DiscoveryRows;
import io.meshgate.rewriter.SchemaCatalog;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.StatementAnalyzer;
import io.meshgate.rewriter.analysis.FunctionAllowlist;
import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.shape.ShapeSentinels;
import io.meshgate.rewriter.shape.ShapeTemplate;
import io.meshgate.rewriter.shape.StatementShape;
import java.lang.ref.WeakReference;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * The statement cache of the architecture's three caches: analysed statements, and the SQL each
 * was rewritten to under a decision. Parsing, resolving and rewriting are pure functions of their
 * inputs, so they are cached exactly by those inputs:
 *
 * <ul>
 *   <li>an analysis by SQL text, search path and end user (the user changes how {@code SET
 *       application_name} is forwarded), and by the schema metadata it read: every catalog lookup
 *       of the analysis is recorded, and the analysis is served again only while the schema
 *       catalog gives the same answers. A DDL change that the catalog has seen (its time to live,
 *       or an invalidation) therefore never meets a stale analysis;
 *   <li>a rewrite by the analysed statement, the decision (its whole value: filters, masks,
 *       denied columns; its hash is computed once per decision object), the rows of the {@code
 *       meshgate} schema it reads (their whole value: they are computed per user and context, and
 *       are part of the SQL) and the policy revision. A changed policy yields another decision,
 *       or at least another revision, and so another key.
 * </ul>
 *
 * Refusals are not cached: they are rare, and a refused statement (an unknown table, say) may
 * be fine after the next DDL. (A shape that was not spliced is remembered for a few seconds,
 * but only as a hint to skip its sentinel statement: see {@link #recentlyUnspliced}.)
 *
 * <p><b>Bounded in bytes.</b> Every cache here is bounded by the memory its entries keep
 * reachable ({@link StatementCacheWeights}), not by their number: one user sending 10,000
 * distinct 1 MiB statements would otherwise leave 10 to 20 GiB behind once the message budget had
 * its bytes back. Of the whole bound, analyses may take a half, rewrites a quarter, and sentinel
 * statements, templates and hints a twelfth each. Statements of {@value #MAXIMUM_CACHED_CHARACTERS}
 * characters or more are not cached at all (nor shaped): they are rarely sent twice, and one
 * would weigh as much as hundreds of ordinary statements. Caffeine's admission (frequency first)
 * keeps a hot statement against a flood of statements seen once.
 *
 * <p><b>Shapes.</b> Simple-protocol clients write their values into the text, so the same
 * statement with another value is another text. A statement whose value literals can be lifted
 * ({@link StatementShape}) is governed as its shape's <em>sentinel statement</em> (the first such
 * text with each literal replaced by a random sentinel of the same class, one per shape), through
 * the two caches above exactly like any text: so the analysis is checked against the catalog, the
 * decision is asked for this session's subject, and the rewrite is keyed by decision, rows and
 * revision as always. The rewrite of the sentinel statement is then cut at the sentinels into a
 * {@link ShapeTemplate} (cached per rewrite, so it goes when the rewrite goes) and filled with the
 * statement's own literals. Nothing literal-dependent is decided on the way: the policy input
 * holds relations and columns, never values. A rewrite with row filter checks (a write to a
 * filtered table) is not spliced: its markers are per rewrite, and sharing them between texts is
 * not worth the argument. Anything that cannot be templated falls back to the text itself.
 *
 * <p><b>From memory alone.</b> {@link #analysisIfCached} and {@link #rewriteIfCached} answer only
 * what is held, and only while the schema catalog holds the same answers in memory: they never
 * parse, rewrite or load metadata, so the event loop may call them (see {@link
 * StatementGovernor#governIfCached}).
 *
 * <p>Thread-safe.
 */
public final class StatementCache {
  /**
   * The default bound of everything the cache keeps, in bytes. Ordinary statements weigh 2 to 5
   * KiB (analysis and rewrite), so this holds some 20,000 of them (more than the 10,000 entries
   * it used to be bounded by) while no sequence of statements makes it hold more: an eighth of a
   * 1 GiB heap, beside the message budget's quarter.
   */
  public static final long DEFAULT_MAXIMUM_BYTES = 128L << 20;
  /**
   * Statements this long or longer are analysed and rewritten afresh every time (64 Ki
   * characters, the size from which client messages take from the memory budget).
   */
  public static final int MAXIMUM_CACHED_CHARACTERS = 64 * 1024;
  /** The smallest bound accepted: room for a few ordinary statements in each cache. */
  public static final long MINIMUM_BYTES = 1L << 20;
  /**
   * How long a shape that was not spliced for a user is governed as text without trying again:
   * as long as the decision cache keeps a decision by default, so a refusal that goes away (a
   * grant, a created table) costs the shape at most this long.
   */
  static final Duration UNSPLICED_HINT = Duration.ofSeconds(5);
  private static final int DECISION_HASH_SLOTS = 64;

  private final StatementAnalyzer analyzer;
  private final Optional<RecordingSchemaCatalog> recording;
  private final Cache<AnalysisKey, CachedAnalysis> analyses;
  private final Cache<RewriteKey, RewrittenStatement> rewrites;
  private final Shapes shapes;
  private final Cache<List<StatementShape.Part>, Optional<ShapeSentinels>> sentinels;
  /** By the rewrite's identity (weak keys compare by identity), so a template lives as long as its rewrite. */
  private final Cache<RewrittenStatement, Optional<ShapeTemplate>> templates;
  /** Shapes recently not spliced for a user and search path (see {@link #recentlyUnspliced}). */
  private final Cache<UnsplicedKey, Boolean> unspliced;
  /**
   * Decisions' hashes by the decision's identity, direct-mapped (see {@link #decisionHash}): the
   * decision cache hands out the same few objects again and again. Not a Caffeine cache: its
   * bookkeeping on every read cost more than the hash it saved.
   */
  private final DecisionHash[] decisionHashes = new DecisionHash[DECISION_HASH_SLOTS];
  /** {@link System#nanoTime()} after which no hint of {@link #unspliced} is alive any more. */
  private volatile long unsplicedUntil;
  private final LongAdder analysisHits = new LongAdder();
  private final LongAdder analysisMisses = new LongAdder();
  private final LongAdder rewriteHits = new LongAdder();
  private final LongAdder rewriteMisses = new LongAdder();
  private final LongAdder shapeHits = new LongAdder();
  private final LongAdder shapeMisses = new LongAdder();
  private final SecureRandom random = new SecureRandom();

  /** Whether statements are governed by shape; off only to compare, the results are the same. */
  public enum Shapes {
    ON,
    OFF
  }

  private StatementCache(StatementAnalyzer analyzer, Optional<RecordingSchemaCatalog> recording, long maximumBytes,
      Shapes shapes) {
    this.analyzer = analyzer;
    this.recording = recording;
    this.shapes = recording.isPresent() ? shapes : Shapes.OFF;
    // Hits and misses are counted by Tally, not by Caffeine: a lookup from memory that is given
    // up (the statement goes the blocking way and looks again) must not count twice.
    this.analyses = Caffeine.newBuilder().maximumWeight(maximumBytes / 2)
        .<AnalysisKey, CachedAnalysis>weigher((key, analysis) -> StatementCacheWeights.analysis(key.sql()))
        .executor(Runnable::run).build();
    this.rewrites = Caffeine.newBuilder().maximumWeight(maximumBytes / 4)
        .<RewriteKey, RewrittenStatement>weigher((key, rewritten) -> StatementCacheWeights.rewrite(rewritten))
        .executor(Runnable::run).build();
    this.sentinels = Caffeine.newBuilder().maximumWeight(maximumBytes / 12)
        .<List<StatementShape.Part>, Optional<ShapeSentinels>>weigher(StatementCacheWeights::sentinels)
        .executor(Runnable::run).build();
    this.templates = Caffeine.newBuilder().weakKeys().maximumWeight(maximumBytes / 12)
        .<RewrittenStatement, Optional<ShapeTemplate>>weigher((rewritten, template) ->
            StatementCacheWeights.template(rewritten))
        .executor(Runnable::run).build();
    this.unspliced = Caffeine.newBuilder().expireAfterWrite(UNSPLICED_HINT).maximumWeight(maximumBytes / 12)
        .<UnsplicedKey, Boolean>weigher((key, hint) -> StatementCacheWeights.unspliced(key.sentinelSql()))
        .executor(Runnable::run).build();
    this.unsplicedUntil = System.nanoTime();
  }

  /**
   * A cache over an analyzer of its own, built on {@code catalog}.
   *
   * @param databaseName the database name, the first part of every relation name
   */
  public static StatementCache over(SchemaCatalog catalog, String databaseName, long maximumBytes) {
    return over(catalog, databaseName, FunctionAllowlist.builtIn(), maximumBytes);
  }

  /** Like {@link #over(SchemaCatalog, String, long)}, allowing {@code functions}. */
  public static StatementCache over(
      SchemaCatalog catalog, String databaseName, FunctionAllowlist functions, long maximumBytes) {
    return over(catalog, databaseName, functions, maximumBytes, Shapes.ON);
  }

  /** Like {@link #over(SchemaCatalog, String, FunctionAllowlist, long)}, with or without shapes. */
  public static StatementCache over(
      SchemaCatalog catalog, String databaseName, FunctionAllowlist functions, long maximumBytes, Shapes shapes) {
    requireNonNull(catalog, "catalog is null");
    requireNonNull(shapes, "shapes is null");
    requireNonNull(databaseName, "databaseName is null");
    if (maximumBytes < MINIMUM_BYTES) {
      throw new IllegalArgumentException("the statement cache needs at least " + MINIMUM_BYTES + " bytes");
    }
    RecordingSchemaCatalog recording = new RecordingSchemaCatalog(catalog);
    return new StatementCache(new StatementAnalyzer(recording, databaseName, functions), Optional.of(recording),
        maximumBytes, shapes);
  }

  /** No caching: every statement is analysed and rewritten afresh by {@code analyzer}. */
  public static StatementCache disabled(StatementAnalyzer analyzer) {
    return new StatementCache(requireNonNull(analyzer, "analyzer is null"), Optional.empty(), MINIMUM_BYTES, Shapes.OFF);
  }

  /**
   * The shape of {@code sql} with its sentinel statement, to govern in place of {@code sql} and
   * {@link #splice} afterwards; empty when shapes are off, or {@code sql} has no literal to lift.
   */
  public Optional<ShapedStatement> shape(String sql) {
    if (shapes == Shapes.OFF || sql.length() >= MAXIMUM_CACHED_CHARACTERS) {
      return Optional.empty();
    }
    return shape(sql, StatementShape.of(sql));
  }

  /**
   * Like {@link #shape(String)}, from {@code tokens}, all of {@code sql}'s tokens (offsets
   * relative to {@code sql}), for a caller that has lexed it already.
   */
  public Optional<ShapedStatement> shape(String sql, List<Token> tokens) {
    if (shapes == Shapes.OFF) {
      return Optional.empty();
    }
    return shape(sql, StatementShape.of(tokens));
  }

  private Optional<ShapedStatement> shape(String sql, Optional<StatementShape> shape) {
    if (shape.isEmpty() || sql.length() >= MAXIMUM_CACHED_CHARACTERS) {
      return Optional.empty();
    }
    Optional<ShapeSentinels> sentinel = sentinels.get(shape.get().key(),
        key -> ShapeSentinels.of(sql, shape.get(), random));
    return sentinel.map(found -> new ShapedStatement(shape.get(), found));
  }

  /**
   * The rewrite of {@code statement} itself, from {@code sentinelRewrite}, the rewrite of its
   * sentinel statement; empty when that rewrite cannot be templated (then govern the text).
   */
  public Optional<String> splice(RewrittenStatement sentinelRewrite, ShapedStatement statement) {
    Tally tally = new Tally();
    Optional<String> spliced = splice(sentinelRewrite, statement, tally);
    count(tally);
    return spliced;
  }

  /**
   * {@link #splice(RewrittenStatement, ShapedStatement)}, counted in {@code tally}. Making a
   * template is string work on the rewrite (no parsing, no I/O), so the event loop may do it too.
   */
  Optional<String> splice(RewrittenStatement sentinelRewrite, ShapedStatement statement, Tally tally) {
    if (!sentinelRewrite.rowFilterChecks().isEmpty()) {
      tally.shapeMisses++;
      return Optional.empty();
    }
    Optional<ShapeTemplate> template = templates.getIfPresent(sentinelRewrite);
    if (template == null) {
      tally.shapeMisses++;
      template = ShapeTemplate.of(sentinelRewrite.sql(), statement.sentinels());
      templates.put(sentinelRewrite, template);
    } else if (template.isPresent()) {
      tally.shapeHits++;
    } else {
      tally.shapeMisses++;
    }
    return template.map(found -> found.fill(statement.shape().renderedLiterals()));
  }

  /**
   * Whether {@code statement}'s shape was recently not spliced for {@code endUser} under {@code
   * searchPath} (its sentinel statement refused, passed through, or not templated): then govern
   * the text straight away rather than the sentinel statement first. Only a hint, never a
   * verdict: governing the text is exactly what happens after a shape is not spliced, so a
   * stale hint costs time, never a different outcome. Costs a clock read while no shape was
   * refused in the last seconds.
   */
  public boolean recentlyUnspliced(ShapedStatement statement, String endUser, List<String> searchPath) {
    return System.nanoTime() - unsplicedUntil < 0
        && unspliced.getIfPresent(new UnsplicedKey(statement.sentinels().sql(), endUser, searchPath)) != null;
  }

  /** Notes that {@code statement}'s shape was not spliced for {@code endUser} under {@code searchPath}. */
  public void unspliced(ShapedStatement statement, String endUser, List<String> searchPath) {
    unsplicedUntil = System.nanoTime() + UNSPLICED_HINT.toNanos();
    unspliced.put(new UnsplicedKey(statement.sentinels().sql(), endUser, List.copyOf(searchPath)), Boolean.TRUE);
  }

  public AnalyzedStatement analyze(String sql, List<String> searchPath, String endUser) throws SqlRefusal {
    Tally tally = new Tally();
    try {
      return analyze(sql, searchPath, endUser, tally);
    } finally {
      count(tally);
    }
  }

  /** {@link #analyze(String, List, String)}, counted in {@code tally}. */
  AnalyzedStatement analyze(String sql, List<String> searchPath, String endUser, Tally tally) throws SqlRefusal {
    if (recording.isEmpty() || sql.length() >= MAXIMUM_CACHED_CHARACTERS) {
      return analyzer.analyze(sql, searchPath, endUser);
    }
    RecordingSchemaCatalog catalog = recording.get();
    AnalysisKey key = new AnalysisKey(sql, List.copyOf(searchPath), endUser);
    CachedAnalysis cached = analyses.getIfPresent(key);
    if (cached != null) {
      tally.analysisHits++;
      if (catalog.stillAnswers(cached.lookups())) {
        return cached.statement();
      }
      analyses.asMap().remove(key, cached);
    } else {
      tally.analysisMisses++;
    }
    AnalyzedStatement analyzed;
    List<SchemaLookup> lookups;
    catalog.start();
    try {
      analyzed = analyzer.analyze(sql, searchPath, endUser);
    } finally {
      lookups = catalog.stop();
    }
    if (analyzed.kind() != StatementKind.DDL) {
      // DDL is not cached: it is rare, and its analysis also asks which schemas and indexes
      // exist, answers the recorded table lookups would not re-check.
      analyses.put(key, new CachedAnalysis(analyzed, lookups));
    }
    return analyzed;
  }

  /**
   * The analysis {@link #analyze(String, List, String)} would return, if it is held and the
   * schema catalog holds in memory the same answers it was made with; empty otherwise (then
   * analyse, off the event loop). Never parses, never loads metadata, never blocks. Counts
   * its hit in {@code tally}; a miss is not counted (the blocking way will count it).
   */
  Optional<AnalyzedStatement> analysisIfCached(String sql, List<String> searchPath, String endUser, Tally tally) {
    if (recording.isEmpty() || sql.length() >= MAXIMUM_CACHED_CHARACTERS) {
      return Optional.empty();
    }
    CachedAnalysis cached = analyses.getIfPresent(new AnalysisKey(sql, searchPath, endUser));
    if (cached == null || !recording.get().stillAnswersFromMemory(cached.lookups())) {
      return Optional.empty();
    }
    tally.analysisHits++;
    return Optional.of(cached.statement());
  }

  /** {@link #rewrite(AnalyzedStatement, Decision, DiscoveryRows, String)} without virtual relations. */
  public RewrittenStatement rewrite(AnalyzedStatement analyzed, Decision decision, String policyRevision)
      throws SqlRefusal {
    if (!analyzed.virtualRelations().isEmpty()) {
      throw new IllegalStateException("this statement reads " + analyzed.virtualRelations() + "; pass its rows");
    }
    return rewrite(analyzed, decision, DiscoveryRows.empty(), policyRevision);
  }

  /**
   * {@code analyzed.rewriteWithChecks(decision, rows)}, cached when {@code analyzed} came from
   * this cache. A cached write reuses its row filter check markers: that stays safe because the
   * session translates only the markers of the statement in flight, and a different statement
   * text is a different cache entry with markers of its own.
   */
  public RewrittenStatement rewrite(
      AnalyzedStatement analyzed, Decision decision, DiscoveryRows rows, String policyRevision)
      throws SqlRefusal {
    Tally tally = new Tally();
    try {
      return rewrite(analyzed, decision, rows, policyRevision, tally);
    } finally {
      count(tally);
    }
  }

  /** {@link #rewrite(AnalyzedStatement, Decision, DiscoveryRows, String)}, counted in {@code tally}. */
  RewrittenStatement rewrite(
      AnalyzedStatement analyzed, Decision decision, DiscoveryRows rows, String policyRevision, Tally tally)
      throws SqlRefusal {
    if (recording.isEmpty()) {
      return analyzed.rewriteWithChecks(decision, rows);
    }
    RewriteKey key = new RewriteKey(analyzed, decision, decisionHash(decision), rows, policyRevision);
    RewrittenStatement cached = rewrites.getIfPresent(key);
    if (cached != null) {
      tally.rewriteHits++;
      return cached;
    }
    tally.rewriteMisses++;
    RewrittenStatement rewritten = analyzed.rewriteWithChecks(decision, rows);
    if (rewritten.sql().length() < MAXIMUM_CACHED_CHARACTERS) {
      rewrites.put(key.stored(), rewritten);
    }
    return rewritten;
  }

  /**
   * The rewrite {@link #rewrite(AnalyzedStatement, Decision, DiscoveryRows, String)} would
   * return, if it is held; empty otherwise. Never rewrites. Counts its hit in {@code tally}; a
   * miss is not counted.
   */
  Optional<RewrittenStatement> rewriteIfCached(
      AnalyzedStatement analyzed, Decision decision, DiscoveryRows rows, String policyRevision, Tally tally) {
    if (recording.isEmpty()) {
      return Optional.empty();
    }
    RewrittenStatement cached =
        rewrites.getIfPresent(new RewriteKey(analyzed, decision, decisionHash(decision), rows, policyRevision));
    if (cached != null) {
      tally.rewriteHits++;
    }
    return Optional.ofNullable(cached);
  }

  /**
   * {@code decision.hashCode()}, computed once per decision object while it keeps its slot.
   * Racy by design and still exact: a slot holds an immutable pair (final fields, safely
   * published), the object is compared by identity, and a lost or overwritten slot only means
   * hashing that decision again.
   */
  private int decisionHash(Decision decision) {
    int slot = System.identityHashCode(decision) & (DECISION_HASH_SLOTS - 1);
    DecisionHash remembered = decisionHashes[slot];
    if (remembered != null && remembered.decision() == decision) {
      return remembered.hash();
    }
    int hash = decision.hashCode();
    decisionHashes[slot] = new DecisionHash(decision, hash);
    return hash;
  }

  private record DecisionHash(Decision decision, int hash) {}

  /**
   * DDL changed {@code relation}: the schema catalog forgets it, so every cached analysis that
   * looked it up fails its re-check and is analysed again against the new shape.
   */
  public void schemaChanged(RelationName relation) {
    recording.ifPresent(catalog -> catalog.invalidate(relation.schema(), relation.table()));
  }

  /** Drops every cached analysis and rewrite. */
  public void invalidateAll() {
    analyses.invalidateAll();
    rewrites.invalidateAll();
    templates.invalidateAll();
    Arrays.fill(decisionHashes, null);
    unspliced.invalidateAll();
  }

  /**
   * The bytes all entries are estimated to keep ({@link StatementCacheWeights}), after pending
   * evictions: never more than the bound the cache was built with.
   */
  long retainedBytes() {
    for (Cache<?, ?> cache : List.of(analyses, rewrites, sentinels, templates, unspliced)) {
      cache.cleanUp();
    }
    return weightedBytes();
  }

  private long weightedBytes() {
    long bytes = 0;
    for (Cache<?, ?> cache : List.of(analyses, rewrites, sentinels, templates, unspliced)) {
      bytes += cache.policy().eviction().orElseThrow().weightedSize().orElseThrow();
    }
    return bytes;
  }

  /** Hits and misses of the analysis and rewrite caches. */
  public Statistics statistics() {
    return new Statistics(analysisHits.sum(), analysisMisses.sum(), rewriteHits.sum(), rewriteMisses.sum(),
        analyses.estimatedSize(), shapeHits.sum(), shapeMisses.sum(), weightedBytes());
  }

  /** Adds what {@code tally} counted to the statistics. */
  void count(Tally tally) {
    analysisHits.add(tally.analysisHits);
    analysisMisses.add(tally.analysisMisses);
    rewriteHits.add(tally.rewriteHits);
    rewriteMisses.add(tally.rewriteMisses);
    shapeHits.add(tally.shapeHits);
    shapeMisses.add(tally.shapeMisses);
  }

  /**
   * The cache hits and misses of one governing, added to the statistics when it is done ({@link
   * #count}): a governing from memory that gives up is not counted, because the blocking
   * governing that follows looks everything up again. Confined to one thread.
   */
  static final class Tally {
    int analysisHits;
    int analysisMisses;
    int rewriteHits;
    int rewriteMisses;
    int shapeHits;
    int shapeMisses;
    /** Decisions taken from the decision cache's memory ({@code CachingPolicyEngine.cachedDecision}). */
    int cachedDecisions;
  }

  /**
   * Counters since start. A shape hit is a statement spliced into a template already made; a
   * shape miss one whose template was made now, or that could not be spliced and was governed
   * as its own text. {@code cachedBytes} is what all entries are estimated to keep now.
   */
  public record Statistics(long analysisHits, long analysisMisses, long rewriteHits, long rewriteMisses,
      long cachedStatements, long shapeHits, long shapeMisses, long cachedBytes) {}

  /** A statement and its shape's sentinel statement (from {@link #shape}). */
  public record ShapedStatement(StatementShape shape, ShapeSentinels sentinels) {
    public ShapedStatement {
      requireNonNull(shape, "shape is null");
      requireNonNull(sentinels, "sentinels is null");
    }
  }

  private record UnsplicedKey(String sentinelSql, String endUser, List<String> searchPath) {}

  private record AnalysisKey(String sql, List<String> searchPath, String endUser) {}

  private record CachedAnalysis(AnalyzedStatement statement, List<SchemaLookup> lookups) {}

  /**
   * The analysed statement by identity (it does not override equals), the decision and rows by
   * value. Hashing a decision walks all its filters and masks, so its hash is computed once per
   * decision object ({@link #decisionHash}), and equality tries identity first: the decision
   * cache hands out the same object for the same decision. Two equal decisions that are distinct
   * objects still compare by value, so the key is exactly the decision's value, as before.
   *
   * <p>A key held by the cache ({@link #stored}) refers to its analysed statement weakly: the
   * analysis is weighed where it is cached, and once that cache lets it go no lookup can bring
   * the same object again, so a rewrite must not keep it (and its parse-derived state) alive.
   * A lookup key refers to it strongly, as it costs no reference object on the hot path.
   */
  private static final class RewriteKey {
    /** The {@link AnalyzedStatement}, or a weak reference to it in a stored key. */
    private final Object statement;
    private final Decision decision;
    private final DiscoveryRows rows;
    private final String policyRevision;
    private final int hash;

    RewriteKey(AnalyzedStatement statement, Decision decision, int decisionHash, DiscoveryRows rows,
        String policyRevision) {
      this.statement = statement;
      this.decision = decision;
      this.rows = rows;
      this.policyRevision = policyRevision;
      int combined = System.identityHashCode(statement);
      combined = 31 * combined + decisionHash;
      combined = 31 * combined + rows.hashCode();
      this.hash = 31 * combined + policyRevision.hashCode();
    }

    private RewriteKey(RewriteKey lookup, WeakReference<AnalyzedStatement> statement) {
      this.statement = statement;
      this.decision = lookup.decision;
      this.rows = lookup.rows;
      this.policyRevision = lookup.policyRevision;
      this.hash = lookup.hash;
    }

    /** This key as the cache keeps it. */
    RewriteKey stored() {
      return new RewriteKey(this, new WeakReference<>(statement()));
    }

    /** Null once a stored key's statement has been collected: then it equals only itself. */
    private AnalyzedStatement statement() {
      return statement instanceof WeakReference<?> reference
          ? (AnalyzedStatement) reference.get()
          : (AnalyzedStatement) statement;
    }

    @Override
    public boolean equals(Object other) {
      if (this == other) {
        return true;
      }
      if (!(other instanceof RewriteKey key) || hash != key.hash) {
        return false;
      }
      AnalyzedStatement analyzed = statement();
      return analyzed != null
          && analyzed == key.statement()
          && (decision == key.decision || decision.equals(key.decision))
          && (rows == key.rows || rows.equals(key.rows))
          && policyRevision.equals(key.policyRevision);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
