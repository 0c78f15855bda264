#include "csv/reader.hpp"

#include <csv.h>
#include <fmt/format.h>

#include <stdexcept>

namespace cis::csv {

namespace {
constexpr std::string_view kBom = "\xEF\xBB\xBF";

// Only LF ends a record, so a record always ends with its line and the position after
// it is known; the CR of a CRLF is then trailing white space, trimmed like spaces.
int is_term(unsigned char c) { return c == '\n'; }
int is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\r'; }

bool is_blank(std::string_view line) {
    return line.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::string lower_trimmed(std::string_view s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    s = s.substr(first, s.find_last_not_of(" \t") - first + 1);
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}
}  // namespace

Reader::Reader(Limits limits, Position start)
    : limits_(limits), parser_(new csv_parser), pos_(start), first_line_(start.offset == 0) {
    if (csv_init(parser_, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        delete parser_;
        throw std::bad_alloc();
    }
    csv_set_term_func(parser_, is_term);
    csv_set_space_func(parser_, is_space);
}

Reader::~Reader() {
    csv_free(parser_);
    delete parser_;
}

void Reader::reset_parser() {
    csv_free(parser_);
    csv_init(parser_, CSV_STRICT | CSV_STRICT_FINI);
    csv_set_term_func(parser_, is_term);
    csv_set_space_func(parser_, is_space);
}

void Reader::feed(std::string_view bytes, const Sink& sink) {
    while (!bytes.empty()) {
        const auto nl = bytes.find('\n');
        if (nl == std::string_view::npos) {
            if (discarding_) {
                pos_.offset += bytes.size();
                return;
            }
            pending_ += bytes;
            if (pending_.size() > limits_.max_record_bytes) {
                // The line cannot fit a record: skip it up to its end, after giving up any
                // record that was still open (an unterminated quote would run into it).
                while (open_)
                    fail_record(fmt::format("record longer than {} bytes or {} lines "
                                            "(an unterminated quoted field?)",
                                            limits_.max_record_bytes, limits_.max_record_lines),
                                sink);
                discarding_ = true;
                first_line_ = false;
                pos_.offset += pending_.size();
                pending_.clear();
            }
            return;
        }
        const auto line = bytes.substr(0, nl + 1);
        bytes.remove_prefix(nl + 1);
        if (discarding_) {
            pos_.offset += line.size();
            end_overlong_line(sink);
        } else if (pending_.empty()) {
            process_line(line, sink);
        } else {
            pending_ += line;
            const std::string whole = std::move(pending_);
            pending_.clear();
            process_line(whole, sink);
        }
    }
}

void Reader::finish(const Sink& sink) {
    if (discarding_) end_overlong_line(sink);  // the last line, without its newline
    if (!pending_.empty()) {
        const std::string last = std::move(pending_);
        pending_.clear();
        process_line(last, sink);
    }
    while (open_) {
        if (csv_fini(parser_, on_field, on_record_end, this) == 0) {
            open_ = false;
            deliver(sink);
        } else {
            fail_record("a quoted field is not closed (missing \")", sink);
        }
    }
    reset_parser();
}

// Reports the line skipped since it outgrew the limit; pos_.offset is already past it.
void Reader::end_overlong_line(const Sink& sink) {
    discarding_ = false;
    Record r;
    r.line = pos_.line;
    r.error = fmt::format("line longer than {} bytes", limits_.max_record_bytes);
    pos_.line += 1;
    r.next = pos_;
    sink(std::move(r));
}

void Reader::process_line(std::string_view line, const Sink& sink) {
    const Position here = pos_;
    pos_.line += 1;
    pos_.offset += line.size();
    std::string_view content = line;
    if (first_line_) {
        first_line_ = false;
        if (here.offset == 0 && content.starts_with(kBom)) content.remove_prefix(kBom.size());
    }
    if (!open_) {
        if (is_blank(content)) return;
        open_ = true;
        start_line_ = here.line;
        start_offset_ = here.offset;
        raw_.clear();
        raw_lines_ = 0;
        fields_.clear();
        field_error_.clear();
    }
    raw_ += line;
    raw_lines_ += 1;
    if (raw_.size() > limits_.max_record_bytes || raw_lines_ > limits_.max_record_lines) {
        fail_record(fmt::format("record longer than {} bytes or {} lines (an unterminated quoted field?)",
                                limits_.max_record_bytes, limits_.max_record_lines),
                    sink);
        return;
    }
    parse_line(content, sink);
}

void Reader::parse_line(std::string_view content, const Sink& sink) {
    const auto used = csv_parse(parser_, content.data(), content.size(), on_field, on_record_end, this);
    // Only LF ends a record, so a record completed in this call ended the line: no error
    // can follow it.
    deliver(sink);
    if (used < content.size() || csv_error(parser_) != CSV_SUCCESS)
        fail_record(fmt::format("malformed quoting at byte {} of line {} (a quote inside an "
                                "unquoted field, or text after a closing quote)",
                                used + 1, pos_.line - 1),
                    sink);
}

// Reports the open record as unreadable and reads again, from a fresh parser, the lines
// after the one it started on: they may well be records of their own.
void Reader::fail_record(std::string error, const Sink& sink) {
    const auto first_end = raw_.find('\n');
    const std::size_t first_len = first_end == std::string::npos ? raw_.size() : first_end + 1;
    const std::string rest = raw_.substr(first_len);
    Record r;
    r.line = start_line_;
    r.error = std::move(error);
    r.next = Position{start_line_ + 1, start_offset_ + first_len};
    const Position resume_after = pos_;
    pos_ = r.next;
    open_ = false;
    fields_.clear();
    field_error_.clear();
    reset_parser();
    sink(std::move(r));

    std::string_view left = rest;
    while (!left.empty()) {
        const auto nl = left.find('\n');
        const auto line = nl == std::string_view::npos ? left : left.substr(0, nl + 1);
        left.remove_prefix(line.size());
        process_line(line, sink);
    }
    pos_ = resume_after;
}

void Reader::deliver(const Sink& sink) {
    std::vector<Record> done;
    done.swap(done_);
    for (auto& r : done) sink(std::move(r));
}

void Reader::end_record() {
    Record r;
    r.line = start_line_;
    r.next = pos_;
    if (field_error_.empty())
        r.fields = std::move(fields_);
    else
        r.error = std::move(field_error_);
    open_ = false;
    fields_.clear();
    field_error_.clear();
    done_.push_back(std::move(r));
}

void Reader::on_field(void* data, std::size_t len, void* self) {
    auto* reader = static_cast<Reader*>(self);
    if (len > reader->limits_.max_field_bytes) {
        reader->field_error_ = fmt::format("a field is longer than {} bytes", reader->limits_.max_field_bytes);
        return;
    }
    if (len == 0 || data == nullptr)
        reader->fields_.emplace_back();
    else
        reader->fields_.emplace_back(static_cast<const char*>(data), len);
}

void Reader::on_record_end(int, void* self) {
    auto* reader = static_cast<Reader*>(self);
    reader->end_record();
}

Header::Header(const std::vector<std::string>& names) {
    names_.reserve(names.size());
    for (const auto& n : names) names_.push_back(lower_trimmed(n));
}

std::optional<std::size_t> Header::find(std::string_view name) const {
    const std::string wanted = lower_trimmed(name);
    for (std::size_t i = 0; i < names_.size(); ++i)
        if (names_[i] == wanted) return i;
    return std::nullopt;
}

std::string_view Header::value(const Record& record, std::string_view name) const {
    const auto i = find(name);
    if (!i || *i >= record.fields.size()) return {};
    return record.fields[*i];
}

}  // namespace cis::csv
