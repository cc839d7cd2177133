//! Full-text search over units with tantivy.
//!
//! The index lives in `<project file>.index/` and is a derived cache: every
//! document is a unit, rebuilt from SQLite whenever the folder is missing,
//! damaged, of an older layout, or behind the project. SQLite counts its
//! content changes in `project_meta.index_generation`; each index commit
//! carries the generation it reflects as its payload, so "behind" is exact.
//!
//! A document holds only what never changes once a unit is stored: its text
//! (also stored, so a page of hits needs no SQLite text reads), source, case,
//! kind, speaker and question. Case attributes change, so filters on them
//! are resolved to case ids in SQLite at query time and no attribute edit
//! ever touches the index.
//!
//! Following tantivy's examples: one schema with field handles kept, custom
//! tokenizers registered on every open, one reader for the project's
//! lifetime reloaded after each commit, and a searcher per query.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use tantivy::collector::{DocSetCollector, FilterCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, QueryParser, TermSetQuery,
};
use tantivy::query_grammar::{self, Delimiter, UserInputAst, UserInputLeaf};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};
use unicode_segmentation::UnicodeSegmentation;

use crate::import::SourceKind;
use crate::progress::{Cancel, Progress};
use crate::store::{CodeId, CoderId, SourceId, UnitId};
use crate::text::{CharIndex, byte_to_char};
use crate::{Error, Project, Result};

/// Bumped whenever the schema or analysis below changes; an index of another
/// layout is rebuilt.
const LAYOUT: u32 = 2;
const LAYOUT_FILE: &str = "accord-index-layout";
const TOKENIZER: &str = "accord_en";
/// Characters of context on each side of the first match in a snippet.
const CONTEXT: usize = 80;

/// What to search for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SearchQuery {
    /// The query: words, "exact phrases", AND / OR / NOT, prefix*, fuzzy~
    /// (or fuzzy~2), and field:value for `speaker:` and `question:`.
    pub text: String,
    /// Only these kinds of source (empty: all).
    #[serde(default)]
    pub kinds: Vec<SourceKind>,
    /// Only these sources (empty: all).
    #[serde(default)]
    pub sources: Vec<SourceId>,
    /// Only units of cases with all these attribute values (name, value).
    #[serde(default)]
    pub attributes: Vec<(String, String)>,
    /// Only units the coder coded with this code (the coder is the one the
    /// search is made on behalf of).
    #[serde(default)]
    pub code: Option<CodeId>,
    /// At most this many hits (default 200).
    #[serde(default)]
    pub limit: Option<usize>,
}

/// A matching unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SearchHit {
    /// The unit.
    pub unit_id: UnitId,
    /// Its source.
    pub source_id: SourceId,
    /// The source's title.
    pub source_title: String,
    /// The source's kind.
    pub source_kind: SourceKind,
    /// The unit's case, if any.
    pub case_name: Option<String>,
    /// The speaker, for transcript turns.
    pub speaker: Option<String>,
    /// The question, for survey responses.
    pub question: Option<String>,
    /// BM25 relevance score.
    pub score: f32,
    /// The unit's range in the source (code points).
    pub unit_start: i64,
    /// End of the unit's range.
    pub unit_end: i64,
    /// The matches, as ranges in the source (code points).
    pub matches: Vec<(i64, i64)>,
    /// Keyword in context: a window of the unit's text around the first match.
    pub snippet: String,
    /// Ranges of the matches within `snippet` (code points).
    pub snippet_matches: Vec<(i64, i64)>,
    /// Whether text was cut before / after the snippet.
    pub snippet_cut: (bool, bool),
}

/// The results of a search.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SearchResults {
    /// The best hits, best first.
    pub hits: Vec<SearchHit>,
    /// How many units match in all.
    pub units: u64,
    /// How many sources hold a matching unit.
    pub sources: u64,
    /// How many distinct cases the matching units belong to.
    pub cases: u64,
    /// How many matches (highlighted words or phrases) the returned hits hold.
    pub matches: u64,
    /// Parts of the query that could not be understood and were ignored.
    pub warnings: Vec<String>,
}

/// Whether the index agrees with the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum IndexStatus {
    /// Up to date.
    Ready,
    /// Missing, damaged, of an older layout or behind: it must be rebuilt.
    NeedsRebuild,
}

#[derive(Clone, Copy)]
struct Fields {
    unit: Field,
    source: Field,
    case: Field,
    kind: Field,
    text: Field,
    speaker: Field,
    question: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let analysed = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        unit: b.add_u64_field("unit", INDEXED | STORED | FAST),
        source: b.add_u64_field("source", INDEXED | FAST),
        case: b.add_u64_field("case", INDEXED | FAST),
        kind: b.add_text_field("kind", STRING),
        text: b.add_text_field("text", analysed.clone().set_stored()),
        speaker: b.add_text_field("speaker", analysed.clone()),
        question: b.add_text_field("question", analysed),
    };
    (b.build(), fields)
}

/// English analysis: split on non-alphanumerics, fold accents ("José" finds
/// "Jose"), lower-case, and stem ("mentoring" finds "mentor").
fn register_tokenizer(index: &Index) {
    let analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build();
    index.tokenizers().register(TOKENIZER, analyzer);
}

fn index_err(e: impl std::fmt::Display) -> Error {
    Error::Index(e.to_string())
}

/// The open index of a project.
pub(crate) struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Option<IndexWriter>,
    fields: Fields,
}

impl SearchIndex {
    /// The index folder of a project file.
    pub(crate) fn dir_for(project: &Path) -> PathBuf {
        let mut name = project.as_os_str().to_owned();
        name.push(".index");
        PathBuf::from(name)
    }

    /// Opens the index if it is usable, and whether it is current.
    fn open(dir: &Path, generation: u64) -> Option<(SearchIndex, bool)> {
        let layout = std::fs::read_to_string(dir.join(LAYOUT_FILE)).ok()?;
        if layout.trim() != LAYOUT.to_string() {
            return None;
        }
        let index = Index::open_in_dir(dir).ok()?;
        let (expected, fields) = schema();
        if index.schema() != expected {
            return None;
        }
        register_tokenizer(&index);
        let payload = index.load_metas().ok()?.payload;
        let current = payload.as_deref() == Some(generation.to_string().as_str());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .ok()?;
        // Opening every segment's files catches most damage up front.
        let searcher = reader.searcher();
        for segment in searcher.segment_readers() {
            segment.fast_fields().u64("unit").ok()?;
        }
        Some((
            SearchIndex {
                index,
                reader,
                writer: None,
                fields,
            },
            current,
        ))
    }

    /// Creates an empty index in `dir`, replacing whatever was there.
    fn create(dir: &Path) -> Result<SearchIndex> {
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let (schema, fields) = schema();
        let index = Index::create_in_dir(dir, schema).map_err(index_err)?;
        register_tokenizer(&index);
        std::fs::write(dir.join(LAYOUT_FILE), LAYOUT.to_string()).map_err(|e| Error::io(dir, e))?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(index_err)?;
        Ok(SearchIndex {
            index,
            reader,
            writer: None,
            fields,
        })
    }

    fn writer(&mut self) -> Result<&mut IndexWriter> {
        if self.writer.is_none() {
            // Two threads with 64 MB each: imports of tens of megabytes
            // index at full speed on a 2-core laptop.
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(2));
            self.writer = Some(
                self.index
                    .writer_with_num_threads(threads, threads * 64_000_000)
                    .map_err(index_err)?,
            );
        }
        Ok(self.writer.as_mut().expect("writer was just created"))
    }

    fn add_units(&mut self, units: &[IndexUnit]) -> Result<()> {
        let f = self.fields;
        let writer = self.writer()?;
        for u in units {
            let mut doc = TantivyDocument::default();
            doc.add_u64(f.unit, u.unit as u64);
            doc.add_u64(f.source, u.source as u64);
            doc.add_u64(f.case, u.case.unwrap_or(0) as u64);
            doc.add_text(f.kind, &u.kind);
            doc.add_text(f.text, &u.text);
            if let Some(s) = &u.speaker {
                doc.add_text(f.speaker, s);
            }
            if let Some(q) = &u.question {
                doc.add_text(f.question, q);
            }
            writer.add_document(doc).map_err(index_err)?;
        }
        Ok(())
    }

    fn delete_source(&mut self, source: SourceId) -> Result<()> {
        let term = Term::from_field_u64(self.fields.source, source.0 as u64);
        self.writer()?.delete_term(term);
        Ok(())
    }

    /// Drops every document added or deleted since the last commit (the
    /// SQLite transaction they belonged to did not commit).
    pub(crate) fn discard_uncommitted(&mut self) {
        // Dropping a writer discards what it had not committed.
        self.writer = None;
    }

    fn commit(&mut self, generation: u64) -> Result<()> {
        let writer = self.writer()?;
        let mut prepared = writer.prepare_commit().map_err(index_err)?;
        prepared.set_payload(&generation.to_string());
        prepared.commit().map_err(index_err)?;
        self.reader.reload().map_err(index_err)?;
        Ok(())
    }
}

/// A unit as the index needs it.
struct IndexUnit {
    unit: i64,
    source: i64,
    case: Option<i64>,
    kind: String,
    text: String,
    speaker: Option<String>,
    question: Option<String>,
}

/// The units of one source, ready for the index. The source's text is read
/// once and sliced here: SQLite's `substr` counts code points from the start
/// of the text on every call, which made reading a long source's units
/// quadratic in its length.
fn units_of_source(conn: &Connection, source: SourceId) -> Result<Vec<IndexUnit>> {
    let (kind, text): (String, String) = conn
        .prepare_cached("SELECT kind, text FROM sources WHERE id = ?1")?
        .query_row([source], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let chars = CharIndex::new(&text);
    let mut stmt = conn.prepare_cached(
        "SELECT id, case_id, start, end, speaker, question FROM units
         WHERE source_id = ?1 ORDER BY start",
    )?;
    let rows = stmt.query_map([source], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Option<i64>>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, Option<String>>(5)?,
        ))
    })?;
    let mut units = Vec::new();
    for row in rows {
        let (unit, case, start, end, speaker, question) = row?;
        units.push(IndexUnit {
            unit,
            source: source.0,
            case,
            kind: kind.clone(),
            text: chars.slice(&text, start as usize, end as usize).to_owned(),
            speaker,
            question,
        });
    }
    Ok(units)
}

/// The cases whose attribute `name` has `value`, both compared trimmed and
/// without regard to case (Unicode lower case, as the user typed them).
fn cases_with_attribute(conn: &Connection, name: &str, value: &str) -> Result<Vec<u64>> {
    let name = name.trim();
    let value = value.trim();
    let mut attrs = conn.prepare_cached("SELECT id, name FROM attributes")?;
    let ids: Vec<i64> = attrs
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
        .filter_map(|row| match row {
            Ok((id, n)) if same_text(&n, name) => Some(Ok(id)),
            Ok(_) => None,
            Err(e) => Some(Err(e)),
        })
        .collect::<rusqlite::Result<_>>()?;
    // Tens of thousands of rows for a large survey: compared in place,
    // without a string allocated per row.
    let mut stmt =
        conn.prepare_cached("SELECT case_id, value FROM case_attributes WHERE attribute_id = ?1")?;
    let mut cases = Vec::new();
    for id in ids {
        let mut rows = stmt.query([id])?;
        while let Some(row) = rows.next()? {
            if same_text(
                row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?,
                value,
            ) {
                cases.push(row.get::<_, i64>(0)? as u64);
            }
        }
    }
    Ok(cases)
}

/// Whether two attribute names or values are the same, trimmed and without
/// regard to case (Unicode lower case; ASCII compared without allocating).
fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

pub(crate) fn generation(conn: &Connection) -> Result<u64> {
    let g: Option<String> = conn
        .query_row(
            "SELECT value FROM project_meta WHERE key = 'index_generation'",
            [],
            |r| r.get(0),
        )
        .ok();
    Ok(g.and_then(|g| g.parse().ok()).unwrap_or(0))
}

/// Records, inside the caller's transaction, that indexed content changed.
pub(crate) fn bump_generation(conn: &Connection) -> Result<u64> {
    let next = generation(conn)? + 1;
    conn.execute(
        "INSERT INTO project_meta(key, value) VALUES ('index_generation', ?1)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [next.to_string()],
    )?;
    Ok(next)
}

/// A term matched loosely: tantivy finds these through automata over the
/// term dictionary, which its snippet generator cannot highlight, so hits
/// are highlighted by re-analysing their text and testing each word.
#[derive(Debug, Clone, PartialEq)]
enum Loose {
    /// Indexed terms starting with this (lower-cased, accents folded).
    Prefix(String),
    /// Indexed terms within this many edits (a transposition is one) of
    /// the analysed word.
    Fuzzy(String, usize),
}

impl Loose {
    fn matches(&self, term: &str) -> bool {
        match self {
            Loose::Prefix(p) => term.starts_with(p.as_str()),
            Loose::Fuzzy(t, d) => strsim::osa_distance(t, term) <= *d,
        }
    }
}

/// What the hits of a query highlight: its words, its phrases as whole
/// spans, and the words its prefix and fuzzy terms matched; never what is
/// under NOT or aimed at another field (`speaker:`, `question:`). Worked out
/// from the query rather than taken from tantivy's snippets, which highlight
/// a phrase's words wherever they stand alone ("matched" for "good match")
/// and cannot show prefix or fuzzy matches.
#[derive(Debug, Default)]
struct Highlights {
    words: HashSet<String>,
    phrases: Vec<Vec<String>>,
    loose: Vec<Loose>,
}

impl Highlights {
    /// The ranges to highlight in `text` (code points), in order.
    fn find(&self, index: &Index, text: &str) -> Vec<(usize, usize)> {
        let tokens = analyse(index, text);
        let mut bytes: Vec<(usize, usize)> = Vec::new();
        for (term, range) in &tokens {
            if self.words.contains(term) || self.loose.iter().any(|l| l.matches(term)) {
                bytes.push((range.start, range.end));
            }
        }
        for phrase in &self.phrases {
            for run in tokens.windows(phrase.len()) {
                if run.iter().zip(phrase).all(|((t, _), p)| t == p) {
                    bytes.push((run[0].1.start, run[run.len() - 1].1.end));
                }
            }
        }
        bytes.sort_unstable();
        // A word inside a phrase span is shown as part of the phrase.
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (start, end) in bytes {
            match merged.last_mut() {
                Some(last) if start < last.1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        let chars = CharIndex::new(text);
        merged
            .into_iter()
            .map(|(s, e)| (chars.to_char(text, s), chars.to_char(text, e)))
            .collect()
    }

    fn is_empty(&self) -> bool {
        self.words.is_empty() && self.phrases.is_empty() && self.loose.is_empty()
    }
}

/// Splits a query into its parts, turning `word~` and `word~N` on a single
/// unquoted word into a fuzzy term (tantivy's grammar reads `~N` as phrase
/// slop, which means nothing on one word).
fn build_query(
    index: &Index,
    fields: Fields,
    text: &str,
    warnings: &mut Vec<String>,
    marks: &mut Highlights,
) -> Result<Box<dyn Query>> {
    let normalised = normalise_query(text);
    let (ast, errors) = query_grammar::parse_query_lenient(&normalised);
    for e in errors {
        warnings.push(format!(
            "could not read part of the query near position {}: {}",
            e.pos, e.message
        ));
    }
    let mut plain = QueryParser::for_index(index, vec![fields.text]);
    plain.set_conjunction_by_default();
    let fuzzy: Vec<QueryParser> = (1..=2)
        .map(|distance| {
            let mut p = QueryParser::for_index(index, vec![fields.text]);
            p.set_field_fuzzy(fields.text, false, distance, true);
            p
        })
        .collect();
    let mut context = Convert {
        index,
        text: fields.text,
        plain: &plain,
        fuzzy: &fuzzy,
        warnings,
        marks,
    };
    context.convert(&ast, false)
}

/// What converting a query's syntax tree needs, and what it collects.
struct Convert<'a> {
    index: &'a Index,
    text: Field,
    plain: &'a QueryParser,
    fuzzy: &'a [QueryParser],
    warnings: &'a mut Vec<String>,
    marks: &'a mut Highlights,
}

/// `word~` is fuzzy with distance 1; the grammar needs an explicit number.
fn normalise_query(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '"' {
            quoted = !quoted;
        }
        if c == '~' && !quoted && !chars.peek().is_some_and(|n| n.is_ascii_digit()) {
            out.push('1');
        }
    }
    out
}

/// `word~N` as the lenient grammar leaves it: the word and the distance.
fn fuzzy_suffix(phrase: &str) -> Option<(&str, u32)> {
    let (word, distance) = phrase.rsplit_once('~')?;
    if word.is_empty() || distance.is_empty() || !distance.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((word, distance.parse().ok()?))
}

/// The terms of a word as indexed but not stemmed, for prefix queries:
/// stemming a word's beginning ("sched" → "sch") would change what it
/// starts with.
fn prefix_terms(word: &str) -> Vec<String> {
    let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build();
    let mut stream = analyzer.token_stream(word);
    let mut out = Vec::new();
    while let Some(t) = stream.next() {
        out.push(t.text.clone());
    }
    out
}

impl Convert<'_> {
    /// Turns the syntax tree into a query; `negated` is set under NOT, whose
    /// words are not highlighted.
    fn convert(&mut self, ast: &UserInputAst, negated: bool) -> Result<Box<dyn Query>> {
        let text = self.text;
        match ast {
            UserInputAst::Clause(clauses) => {
                let mut parts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for (occur, sub) in clauses {
                    let occur = match occur {
                        Some(query_grammar::Occur::Should) => Occur::Should,
                        Some(query_grammar::Occur::MustNot) => Occur::MustNot,
                        // Words without an operator must all match, as in web search.
                        Some(query_grammar::Occur::Must) | None => Occur::Must,
                    };
                    let negated = negated || occur == Occur::MustNot;
                    parts.push((occur, self.convert(sub, negated)?));
                }
                if parts.iter().all(|(o, _)| *o == Occur::MustNot) {
                    parts.push((Occur::Must, Box::new(AllQuery)));
                }
                Ok(Box::new(BooleanQuery::new(parts)))
            }
            UserInputAst::Boost(sub, boost) => Ok(Box::new(BoostQuery::new(
                self.convert(sub, negated)?,
                boost.into_inner() as f32,
            ))),
            UserInputAst::Leaf(leaf) => {
                if !negated {
                    self.mark(leaf);
                }
                let (parser, leaf) = match leaf.as_ref() {
                    UserInputLeaf::Literal(lit)
                        if lit.delimiter == Delimiter::None
                            && !lit.phrase.contains(char::is_whitespace)
                            && (lit.slop > 0 || fuzzy_suffix(&lit.phrase).is_some()) =>
                    {
                        // The lenient grammar keeps `~N` inside an unquoted word
                        // ("mentr~1" is the word), the strict one reads it as slop.
                        let mut lit = lit.clone();
                        let mut distance = lit.slop;
                        if let Some((word, d)) = fuzzy_suffix(&lit.phrase) {
                            distance = d;
                            lit.phrase = word.to_owned();
                        }
                        let distance = distance.clamp(1, 2) as usize;
                        lit.slop = 0;
                        if !negated && let [term] = self.analysed(&lit.phrase).as_slice() {
                            self.marks.loose.push(Loose::Fuzzy(term.clone(), distance));
                        }
                        (&self.fuzzy[distance - 1], UserInputLeaf::Literal(lit))
                    }
                    // Likewise `word*` stays in the word: make it a prefix term.
                    UserInputLeaf::Literal(lit)
                        if lit.delimiter == Delimiter::None
                            && !lit.prefix
                            && lit.phrase.len() > 1
                            && lit.phrase.ends_with('*')
                            && !lit.phrase.contains(char::is_whitespace) =>
                    {
                        let word = &lit.phrase[..lit.phrase.len() - 1];
                        // One word: every indexed term starting with it (tantivy's
                        // parser only builds phrase prefixes of two or more words).
                        if let [term] = prefix_terms(word).as_slice() {
                            if !negated {
                                self.marks.loose.push(Loose::Prefix(term.clone()));
                            }
                            return Ok(Box::new(FuzzyTermQuery::new_prefix(
                                Term::from_field_text(text, term),
                                0,
                                false,
                            )));
                        }
                        let mut lit = lit.clone();
                        lit.phrase = word.to_owned();
                        lit.prefix = true;
                        (self.plain, UserInputLeaf::Literal(lit))
                    }
                    other => (self.plain, other.clone()),
                };
                let (query, errors) = parser
                    .build_query_from_user_input_ast_lenient(UserInputAst::Leaf(Box::new(leaf)));
                for e in errors {
                    self.warnings.push(e.to_string());
                }
                Ok(query)
            }
        }
    }

    /// Notes what a plain word or phrase of the text field highlights
    /// (prefix and fuzzy words are noted where they are converted).
    fn mark(&mut self, leaf: &UserInputLeaf) {
        let UserInputLeaf::Literal(lit) = leaf else {
            return;
        };
        let loose_word = lit.delimiter == Delimiter::None
            && !lit.phrase.contains(char::is_whitespace)
            && (lit.slop > 0 || fuzzy_suffix(&lit.phrase).is_some() || lit.phrase.ends_with('*'));
        if loose_word || lit.field_name.as_deref().is_some_and(|f| f != "text") {
            return;
        }
        let mut terms = self.analysed(&lit.phrase);
        if lit.prefix {
            // "private pract"*: the last word is a prefix.
            let last = lit.phrase.split_whitespace().last().unwrap_or_default();
            if let [prefix] = prefix_terms(last).as_slice() {
                self.marks.loose.push(Loose::Prefix(prefix.clone()));
            }
            terms.pop();
        }
        let quoted = lit.delimiter != Delimiter::None;
        if quoted && lit.slop == 0 && !lit.prefix && terms.len() > 1 {
            self.marks.phrases.push(terms);
        } else {
            self.marks.words.extend(terms);
        }
    }

    /// The terms of `word` as the index analyses it (stemmed).
    fn analysed(&self, word: &str) -> Vec<String> {
        analyse(self.index, word)
            .into_iter()
            .map(|(t, _)| t)
            .collect()
    }
}

/// The terms of `text` as the index analyses it, with their byte ranges.
fn analyse(index: &Index, text: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let Some(mut analyzer) = index.tokenizers().get(TOKENIZER) else {
        return Vec::new();
    };
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(t) = stream.next() {
        out.push((t.text.clone(), t.offset_from..t.offset_to));
    }
    out
}

/// Keyword in context: up to [`CONTEXT`] characters either side of the first
/// match, cut at word boundaries. Offsets are code points.
fn kwic(unit_text: &str, matches: &[(usize, usize)]) -> (String, Vec<(i64, i64)>, (bool, bool)) {
    let chars = unit_text.chars().count();
    let (first_start, first_end) = matches.first().copied().unwrap_or((0, 0));
    let mut from = first_start.saturating_sub(CONTEXT);
    let mut to = (first_end + CONTEXT * 2).min(chars);
    // Move the window edges onto word boundaries so words are never cut.
    if from > 0 {
        let bounds: Vec<usize> = unit_text
            .split_word_bound_indices()
            .map(|(b, _)| byte_to_char(unit_text, b))
            .collect();
        from = bounds
            .iter()
            .copied()
            .find(|&b| b >= from)
            .unwrap_or(from)
            .min(first_start);
        if to < chars {
            to = bounds
                .iter()
                .copied()
                .rev()
                .find(|&b| b <= to && b > first_end)
                .unwrap_or(to);
        }
    } else if to < chars {
        let bounds: Vec<usize> = unit_text
            .split_word_bound_indices()
            .map(|(b, _)| byte_to_char(unit_text, b))
            .collect();
        to = bounds
            .iter()
            .copied()
            .rev()
            .find(|&b| b <= to && b > first_end)
            .unwrap_or(to);
    }
    let snippet: String = unit_text.chars().skip(from).take(to - from).collect();
    let within = matches
        .iter()
        .filter(|(s, e)| *s >= from && *e <= to)
        .map(|(s, e)| ((s - from) as i64, (e - from) as i64))
        .collect();
    (snippet, within, (from > 0, to < chars))
}

impl Project {
    /// Whether the search index agrees with the project.
    pub fn index_status(&mut self) -> Result<IndexStatus> {
        if self.search.is_some() {
            return Ok(IndexStatus::Ready);
        }
        let generation = generation(&self.conn)?;
        match SearchIndex::open(&SearchIndex::dir_for(self.path()), generation) {
            Some((index, true)) => {
                self.search = Some(index);
                Ok(IndexStatus::Ready)
            }
            _ => Ok(IndexStatus::NeedsRebuild),
        }
    }

    /// Rebuilds the search index from the project, reporting progress per
    /// batch of units. A cancelled rebuild leaves no index (it is rebuilt
    /// next time).
    pub fn rebuild_index(
        &mut self,
        progress: &mut dyn FnMut(Progress),
        cancel: &Cancel,
    ) -> Result<()> {
        self.search = None;
        let dir = SearchIndex::dir_for(self.path());
        let result = self.rebuild_into(&dir, progress, cancel);
        if result.is_err() {
            self.search = None;
            let _ = std::fs::remove_dir_all(&dir);
        }
        result
    }

    fn rebuild_into(
        &mut self,
        dir: &Path,
        progress: &mut dyn FnMut(Progress),
        cancel: &Cancel,
    ) -> Result<()> {
        let total: i64 = self
            .conn
            .query_row("SELECT count(*) FROM units", [], |r| r.get(0))?;
        let generation = generation(&self.conn)?;
        let mut index = SearchIndex::create(dir)?;
        let sources: Vec<SourceId> = self
            .conn
            .prepare("SELECT id FROM sources ORDER BY id")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut done = 0u64;
        for source in sources {
            cancel.check()?;
            let units = units_of_source(&self.conn, source)?;
            index.add_units(&units)?;
            done += units.len() as u64;
            progress(Progress {
                message: "Building the search index".into(),
                done,
                total: total as u64,
                files_done: 0,
                files_total: 0,
            });
        }
        cancel.check()?;
        index.commit(generation)?;
        self.search = Some(index);
        Ok(())
    }

    /// Opens the index, rebuilding it (without progress) when needed.
    fn ready_index(&mut self) -> Result<&mut SearchIndex> {
        if self.index_status()? == IndexStatus::NeedsRebuild {
            self.rebuild_index(&mut crate::progress::ignore, &Cancel::new())?;
        }
        Ok(self.search.as_mut().expect("index is ready"))
    }

    /// Brings the index up to date after sources were added or removed.
    /// Called right after the SQLite transaction commits; if it fails, the
    /// generation check rebuilds the index on the next open, so search never
    /// silently disagrees with the project.
    pub(crate) fn reindex(
        &mut self,
        sources_added: &[SourceId],
        sources_removed: &[SourceId],
    ) -> Result<()> {
        let generation = generation(&self.conn)?;
        if self.search.is_none() {
            // Not opened yet: use it only if it was current just before this
            // change (the change bumped the generation by one). An index
            // that was already behind, say after a crash, stays behind and
            // is rebuilt on first use, rather than being stamped current
            // with only this change applied.
            let before = generation.saturating_sub(1);
            match SearchIndex::open(&SearchIndex::dir_for(self.path()), before) {
                Some((index, true)) => self.search = Some(index),
                _ => return Ok(()),
            }
        }
        let result = (|| {
            let index = self.search.as_mut().expect("index is open");
            for s in sources_removed.iter().chain(sources_added) {
                index.delete_source(*s)?;
            }
            for s in sources_added {
                index.add_units(&units_of_source(&self.conn, *s)?)?;
            }
            index.commit(generation)
        })();
        self.index_commit_failed(result);
        Ok(())
    }

    /// Opens the index for a batch that adds sources inside an open
    /// transaction, when the index is current: the batch then hands each
    /// stored source to [`Project::stage_source`], so tantivy's threads
    /// analyse its units while the next file is parsed. Returns whether
    /// staging is on; otherwise the next search rebuilds the index.
    pub(crate) fn begin_staging(&mut self) -> Result<bool> {
        if self.index_status()? == IndexStatus::Ready {
            return Ok(true);
        }
        // A project without units (a new one) gets its empty index now, so
        // its first import leaves a current index rather than a rebuild.
        let units: i64 = self
            .conn
            .query_row("SELECT count(*) FROM units", [], |r| r.get(0))?;
        // If even that fails, the import goes on and search rebuilds later.
        Ok(units == 0
            && self
                .rebuild_index(&mut crate::progress::ignore, &Cancel::new())
                .is_ok())
    }

    /// Hands a source stored in the still open transaction `conn` to the
    /// index writer. Nothing is visible until [`Project::commit_staged`].
    /// An associated function, as the transaction borrows the project's
    /// connection while its index is written.
    pub(crate) fn stage_source(
        search: &mut Option<SearchIndex>,
        conn: &Connection,
        source: SourceId,
    ) -> Result<()> {
        match search {
            Some(index) => index.add_units(&units_of_source(conn, source)?),
            None => Ok(()),
        }
    }

    /// Makes the staged sources visible, after their transaction committed.
    pub(crate) fn commit_staged(&mut self) {
        let Ok(generation) = generation(&self.conn) else {
            self.index_commit_failed(Err(Error::Index(
                "cannot read the project's generation".into(),
            )));
            return;
        };
        let result = match self.search.as_mut() {
            Some(index) => index.commit(generation),
            None => Ok(()),
        };
        self.index_commit_failed(result);
    }

    /// Drops what was staged: its transaction rolled back.
    pub(crate) fn discard_staged(&mut self) {
        if let Some(index) = self.search.as_mut() {
            index.discard_uncommitted();
        }
    }

    /// After a failed index update, forgets the index so the generation
    /// check rebuilds it on next use.
    fn index_commit_failed(&mut self, result: Result<()>) {
        if let Err(e) = result {
            tracing::warn!("search index update failed, it will be rebuilt: {e}");
            self.search = None;
            let _ = std::fs::remove_dir_all(SearchIndex::dir_for(self.path()));
        }
    }

    /// Searches the units. `coder` is who the search is made on behalf of: a
    /// code filter only sees that coder's codings (and is refused without one).
    pub fn search(&mut self, coder: Option<CoderId>, query: &SearchQuery) -> Result<SearchResults> {
        let code_units: Option<Vec<i64>> = match query.code {
            None => None,
            Some(code) => {
                let coder = coder.ok_or_else(|| {
                    Error::NotAllowed("filtering by code needs a coder: codings are only seen on behalf of a coder".into())
                })?;
                let mut stmt = self.conn.prepare_cached(
                    "SELECT DISTINCT u.id FROM codings c JOIN units u
                       ON u.source_id = c.source_id AND u.start < c.end AND c.start < u.end
                     WHERE c.coder_id = ?1 AND c.code_id = ?2",
                )?;
                let ids = stmt
                    .query_map((coder, code), |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<i64>>>()?;
                Some(ids)
            }
        };
        // The cases that have every attribute value asked for: a filter on
        // the `case` fast field of each match (cheaper than a query with
        // thousands of case terms).
        let mut allowed: Option<HashSet<u64>> = None;
        for (name, value) in &query.attributes {
            let cases: HashSet<u64> = cases_with_attribute(&self.conn, name, value)?
                .into_iter()
                .collect();
            allowed = Some(match allowed {
                None => cases,
                Some(before) => before.intersection(&cases).copied().collect(),
            });
        }
        let allowed = std::sync::Arc::new(allowed);
        let limit = query.limit.unwrap_or(200).clamp(1, 5_000);
        let index = self.ready_index()?;
        let f = index.fields;
        let mut warnings = Vec::new();
        let mut marks = Highlights::default();
        let mut parts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let words = query.text.trim();
        let text_query: Box<dyn Query> = if words.is_empty() {
            Box::new(AllQuery)
        } else {
            build_query(&index.index, f, words, &mut warnings, &mut marks)?
        };
        parts.push((Occur::Must, text_query.box_clone()));
        if !query.kinds.is_empty() {
            let terms = query
                .kinds
                .iter()
                .map(|k| Term::from_field_text(f.kind, k.as_str()));
            parts.push((Occur::Must, Box::new(TermSetQuery::new(terms))));
        }
        if !query.sources.is_empty() {
            let terms = query
                .sources
                .iter()
                .map(|s| Term::from_field_u64(f.source, s.0 as u64));
            parts.push((Occur::Must, Box::new(TermSetQuery::new(terms))));
        }
        if let Some(ids) = &code_units {
            let terms = ids.iter().map(|u| Term::from_field_u64(f.unit, *u as u64));
            parts.push((Occur::Must, Box::new(TermSetQuery::new(terms))));
        }
        let full = BooleanQuery::new(parts);
        let searcher = index.reader.searcher();
        let collectors = (TopDocs::with_limit(limit).order_by_score(), DocSetCollector);
        let (top, all) = match allowed.as_ref() {
            None => searcher.search(&full, &collectors),
            Some(_) => {
                let filter = FilterCollector::new(
                    "case".to_owned(),
                    move |case: u64| allowed.as_ref().as_ref().is_some_and(|a| a.contains(&case)),
                    collectors,
                );
                searcher.search(&full, &filter)
            }
        }
        .map_err(index_err)?;
        // Totals over every match, not only the page shown.
        let mut sources = HashSet::new();
        let mut cases = HashSet::new();
        let mut per_segment: HashMap<u32, Vec<u32>> = HashMap::new();
        for addr in &all {
            per_segment
                .entry(addr.segment_ord)
                .or_default()
                .push(addr.doc_id);
        }
        for (segment, docs) in per_segment {
            let reader = searcher.segment_reader(segment);
            let ff = reader.fast_fields();
            let source_col = ff.u64("source").map_err(index_err)?;
            let case_col = ff.u64("case").map_err(index_err)?;
            for d in docs {
                if let Some(s) = source_col.first(d) {
                    sources.insert(s);
                }
                if let Some(c) = case_col.first(d).filter(|c| *c > 0) {
                    cases.insert(c);
                }
            }
        }
        let mut hits_raw = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr).map_err(index_err)?;
            let unit = doc
                .get_first(f.unit)
                .and_then(|v| v.as_u64())
                .ok_or_else(|| Error::Index("a document has no unit id".into()))?;
            let text = doc
                .get_first(f.text)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned();
            hits_raw.push((score, unit as i64, text));
        }
        let count = all.len() as u64;
        let analyser = index.index.clone();
        let mut hits = Vec::with_capacity(hits_raw.len());
        let mut total_matches = 0u64;
        let mut stmt = self.conn.prepare_cached(
            "SELECT u.source_id, s.title, s.kind, c.name, u.speaker, u.question, u.start, u.end
             FROM units u JOIN sources s ON s.id = u.source_id LEFT JOIN cases c ON c.id = u.case_id
             WHERE u.id = ?1",
        )?;
        for (score, unit, text) in hits_raw {
            let row = stmt.query_row([unit], |r| {
                Ok((
                    r.get::<_, SourceId>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, i64>(6)?,
                    r.get::<_, i64>(7)?,
                ))
            });
            // A unit deleted since the index was written: skip it; the next
            // reindex removes it.
            let Ok((source_id, title, kind, case_name, speaker, question, start, end)) = row else {
                continue;
            };
            let matches = if marks.is_empty() {
                Vec::new()
            } else {
                marks.find(&analyser, &text)
            };
            total_matches += matches.len() as u64;
            let (snippet, snippet_matches, snippet_cut) = kwic(&text, &matches);
            hits.push(SearchHit {
                unit_id: UnitId(unit),
                source_id,
                source_title: title,
                source_kind: SourceKind::parse(&kind).unwrap_or(SourceKind::Notes),
                case_name,
                speaker,
                question,
                score,
                unit_start: start,
                unit_end: end,
                matches: matches
                    .iter()
                    .map(|(s, e)| (start + *s as i64, start + *e as i64))
                    .collect(),
                snippet,
                snippet_matches,
                snippet_cut,
            });
        }
        Ok(SearchResults {
            hits,
            units: count,
            sources: sources.len() as u64,
            cases: cases.len() as u64,
            matches: total_matches,
            warnings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_tilde_becomes_distance_one_outside_quotes() {
        assert_eq!(
            normalise_query("mentr~ AND feedback"),
            "mentr~1 AND feedback"
        );
        assert_eq!(normalise_query("mentr~2"), "mentr~2");
        assert_eq!(normalise_query("\"a b\"~3 x~"), "\"a b\"~3 x~1");
    }

    #[test]
    fn fuzzy_and_prefix_terms() {
        let dir = tempfile::tempdir().unwrap();
        let notes = dir.path().join("notes.txt");
        std::fs::write(&notes, "The schedule was hard.\nMy mentor gave feedback.\n").unwrap();
        let mut p = Project::create(dir.path().join("p.accord")).unwrap();
        p.import_files(
            &[crate::import::ImportRequest::new(notes.to_string_lossy())],
            &mut |_| {},
            &Cancel::new(),
        )
        .unwrap();
        for (query, units) in [
            ("schedual~", 1),
            ("feedbak~", 1),
            ("mentr~ AND feedbak~", 1),
            ("shedual~2", 1),
            ("shedual~1", 0),
            ("schedual", 0),
            ("sched*", 1),
            ("feed*", 1),
            ("ment* AND sched*", 0),
            ("mentor*", 1),
        ] {
            let r = p
                .search(
                    None,
                    &SearchQuery {
                        text: query.into(),
                        ..Default::default()
                    },
                )
                .unwrap();
            assert_eq!(
                r.units, units,
                "{query}: a typo within the distance still matches"
            );
            assert!(r.warnings.is_empty(), "{query}: {:?}", r.warnings);
        }
        assert_eq!(fuzzy_suffix("mentr~1"), Some(("mentr", 1)));
        assert_eq!(fuzzy_suffix("a~b"), None);
    }

    #[test]
    fn attribute_values_match_trimmed_and_regardless_of_case() {
        assert!(same_text(" North ", "north"));
        assert!(same_text("MENTOR", "Mentor"));
        // Beyond ASCII, Unicode lower case decides.
        assert!(same_text("ÉCOLE", "école"));
        assert!(same_text("Łódź", "ŁÓDŹ"));
        assert!(!same_text("mentor", "mentors"));
        assert!(!same_text("école", "ecole"), "accents are kept");
    }

    #[test]
    fn kwic_keeps_whole_words_and_offsets_in_code_points() {
        let text = "Zoë said: 😀 my mentor was responsive and always answered within a day.";
        let start = text.chars().collect::<String>().find("mentor").unwrap();
        let start = byte_to_char(text, start);
        let (snippet, m, cut) = kwic(text, &[(start, start + 6)]);
        assert_eq!(snippet, text, "a short unit is shown whole");
        let (s, e) = m[0];
        let shown: String = snippet
            .chars()
            .skip(s as usize)
            .take((e - s) as usize)
            .collect();
        assert_eq!(
            shown, "mentor",
            "match offsets are code points into the snippet"
        );
        assert_eq!(cut, (false, false));
    }
}
