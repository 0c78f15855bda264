#pragma once
// Replies as the relay client reads them from an untrusted server: an incremental parser that
// turns a byte stream into complete (possibly multi-line) replies, bounded in memory, and that
// reports anything that is not a well-formed reply instead of guessing. Pure, no I/O.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smtp/line_buffer.hpp"

namespace cis::smtp {

struct ServerReply {
    int code = 0;          // 200..599
    std::string enhanced;  // RFC 3463 code from the first line ("5.1.1"), when it has one
    // The text of each line after "250-"/"250 ", control bytes and non-ASCII replaced by '?'.
    std::vector<std::string> lines;

    // The lines joined by '\n', each without its leading enhanced code.
    std::string text() const;
    int klass() const { return code / 100; }
};

class ReplyParser {
  public:
    // RFC 5321 4.5.3.1.5 allows 512 octets per reply line; real servers stay well below this.
    static constexpr std::size_t kMaxLine = 2048;
    // Bounds a single reply (an EHLO reply is the longest expected: a few dozen lines).
    static constexpr std::size_t kMaxLines = 128;

    ReplyParser() : in_(kMaxLine) {}

    void feed(std::string_view bytes) { in_.append(bytes); }
    // The next complete reply, or nullopt when more input is needed or the input is malformed
    // (then malformed() is true for good: the connection cannot be trusted to resynchronise).
    std::optional<ServerReply> next();
    bool malformed() const { return !error_.empty(); }
    const std::string& error() const { return error_; }  // why, for the delivery result
    // Drops buffered input (after STARTTLS: plaintext sent ahead must not be believed).
    void clear();
    std::size_t buffered() const { return in_.buffered(); }

  private:
    std::optional<ServerReply> fail(std::string why);

    LineBuffer in_;
    ServerReply pending_;  // lines of a multi-line reply read so far
    std::string error_;
};

// Printable-ASCII rendition of untrusted bytes for messages and logs, cut at `max` bytes.
std::string printable(std::string_view s, std::size_t max = 200);

}  // namespace cis::smtp
