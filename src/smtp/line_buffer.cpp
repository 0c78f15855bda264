#include "smtp/line_buffer.hpp"

namespace cis::smtp {

std::optional<Line> LineBuffer::next() {
    const std::size_t lf = buf_.find('\n', pos_);
    if (lf == std::string::npos) {
        // Compact now: what remains is only the unterminated tail.
        buf_.erase(0, pos_);
        pos_ = 0;
        // A legal line may sit here as max_ content bytes plus its CR; anything longer is
        // dropped so the buffer stays bounded.
        if (discarding_ || buf_.size() > max_ + 1) {
            if (!buf_.empty()) discarded_cr_ = buf_.back() == '\r';
            buf_.clear();
            discarding_ = true;
        }
        return std::nullopt;
    }

    Line line;
    std::size_t end = lf;
    if (end > pos_ && buf_[end - 1] == '\r') {
        line.crlf = true;
        --end;
    } else if (end == pos_ && discarding_) {
        line.crlf = discarded_cr_;
    }
    if (discarding_ || end - pos_ > max_) {
        line.too_long = true;
        discarding_ = false;
    } else {
        line.text.assign(buf_, pos_, end - pos_);
    }
    pos_ = lf + 1;
    return line;
}

void LineBuffer::clear() {
    buf_.clear();
    pos_ = 0;
    discarding_ = false;
}

}  // namespace cis::smtp
