#pragma once
// Splits a byte stream into lines with a hard cap on line length, so a hostile peer can never
// make us buffer more than (cap + one read) bytes. Pure, no I/O.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cis::smtp {

struct Line {
    std::string text;       // without the terminator; empty when too_long
    bool crlf = false;      // ended in CRLF; false means a bare LF
    bool too_long = false;  // longer than the cap: content was discarded up to the LF
};

class LineBuffer {
  public:
    // `max_line` caps the line content, terminator excluded.
    explicit LineBuffer(std::size_t max_line) : max_(max_line) {}

    void set_max_line(std::size_t max_line) { max_ = max_line; }
    void append(std::string_view bytes) { buf_.append(bytes); }
    // The next complete line, or nullopt when more input is needed. An over-long line is
    // reported once, as a Line with too_long set, when its LF finally arrives.
    std::optional<Line> next();
    // Drops everything buffered (after STARTTLS: pipelined plaintext must not survive).
    void clear();
    std::size_t buffered() const { return buf_.size() - pos_; }

  private:
    std::string buf_;
    std::size_t pos_ = 0;  // start of unconsumed input in buf_
    std::size_t max_;
    bool discarding_ = false;    // inside an over-long line, waiting for its LF
    bool discarded_cr_ = false;  // last discarded byte was CR (a CRLF may straddle reads)
};

}  // namespace cis::smtp
