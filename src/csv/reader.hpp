#pragma once
// RFC 4180 CSV reading, streaming, on libcsv in strict mode.
//
//   csv::Reader reader;                       // or Reader(limits, resume_position)
//   reader.feed(chunk, sink);                 // as many chunks as there are
//   reader.finish(sink);                      // the last record may lack its newline
//
// The sink receives every record in order, with the line it starts on. A record that
// cannot be read (a stray quote, an unterminated quoted field, a field or record over
// the limits) arrives with `error` set and no fields, and reading resumes at the line
// after the one that record started on, so one bad row never loses the rest of a file.
// Records end at LF; a CR before it is dropped (CRLF and LF files read alike), and a
// UTF-8 byte-order mark at the very start is skipped. Blank lines are no records.
// Unquoted fields are trimmed of spaces and tabs (libcsv's behaviour); quoted ones are
// kept as written. The header row is just the first record: see csv::Header.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct csv_parser;

namespace cis::csv {

struct Limits {
    std::size_t max_field_bytes = 16 * 1024;
    std::size_t max_record_bytes = 64 * 1024;
    // A quoted field may span lines; an unterminated quote would otherwise swallow the
    // rest of the file. Also bounds the work of re-reading after an error.
    std::size_t max_record_lines = 32;
};

// Where reading stands: the next line's number (1-based) and byte offset. A record's
// `next` is where reading resumes after it (Reader's second argument), e.g. after a crash.
struct Position {
    std::size_t line = 1;
    std::size_t offset = 0;
};

struct Record {
    std::size_t line = 0;         // the line the record starts on (1-based)
    Position next;                // the position right after the record
    std::vector<std::string> fields;
    std::string error;            // why the record could not be read; empty when it could
    bool ok() const { return error.empty(); }
};

using Sink = std::function<void(Record&&)>;

class Reader {
public:
    explicit Reader(Limits limits = {}, Position start = {});
    ~Reader();
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;

    void feed(std::string_view bytes, const Sink& sink);
    void finish(const Sink& sink);

private:
    void process_line(std::string_view line, const Sink& sink);
    void parse_line(std::string_view line, const Sink& sink);
    void fail_record(std::string error, const Sink& sink);
    void end_overlong_line(const Sink& sink);
    void reset_parser();
    void end_record();
    void deliver(const Sink& sink);
    static void on_field(void* data, std::size_t len, void* self);
    static void on_record_end(int terminator, void* self);

    Limits limits_;
    csv_parser* parser_;
    Position pos_;              // of the next line to process
    std::string pending_;       // an unfinished line carried to the next feed
    bool discarding_ = false;   // skipping the rest of an over-long line
    bool first_line_ = true;    // a BOM is only skipped there
    // The record being read: where it started, its raw lines (to re-read them after an
    // error), its fields so far, and the reason it will be refused, if any.
    bool open_ = false;
    std::size_t start_line_ = 0;
    std::size_t start_offset_ = 0;
    std::string raw_;
    std::size_t raw_lines_ = 0;
    std::vector<std::string> fields_;
    std::string field_error_;
    // Records libcsv completed during one parse call: handed to the sink after libcsv
    // returns, so the sink may throw without unwinding through C code.
    std::vector<Record> done_;
};

// The header row: names matched case-insensitively, ignoring surrounding spaces.
class Header {
public:
    explicit Header(const std::vector<std::string>& names);
    std::optional<std::size_t> find(std::string_view name) const;
    // The record's value in column `name`; empty when the column or the cell is missing.
    std::string_view value(const Record& record, std::string_view name) const;
    const std::vector<std::string>& names() const { return names_; }

private:
    std::vector<std::string> names_;  // lower-cased and trimmed
};

}  // namespace cis::csv
