#pragma once
// Turns DATA lines into the stored message (RFC 5321 4.5.2 dot-unstuffing) while enforcing
// the size and line-length limits without ever buffering more than the size limit. Pure.
#include <cstddef>
#include <string>

#include "smtp/line_buffer.hpp"

namespace cis::smtp {

// RFC 5321 4.5.3.1.6: a text line is at most 1000 octets including CRLF.
constexpr std::size_t kMaxDataLine = 998;

class DataDecoder {
  public:
    explicit DataDecoder(std::size_t max_message_size) : max_(max_message_size) {}

    // Consumes one line; returns true when it was the end-of-data marker.
    //
    // Only "." on a line of its own, terminated by CRLF and preceded by CRLF, ends the data.
    // Bare-LF line ends are tolerated and stored as CRLF, but "<LF>.<LF>", "<LF>.<CRLF>" and
    // "<CRLF>.<LF>" do not end the data: they are kept as message content, so a sender cannot
    // "smuggle" a second message past a server that reads the stream differently.
    bool feed(const Line& line);

    bool oversize() const { return oversize_; }            // reply 552 5.3.4
    bool line_too_long() const { return line_too_long_; }  // reply 554 5.6.0
    // The dot-unstuffed message, every line ending in CRLF. Empty after a limit was hit.
    std::string take() { return std::move(message_); }

  private:
    void reject();

    std::string message_;
    std::size_t max_;
    bool prev_crlf_ = true;  // the DATA command line counts as a CRLF-terminated line
    bool oversize_ = false;
    bool line_too_long_ = false;
};

}  // namespace cis::smtp
