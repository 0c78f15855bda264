#include "smtp/data_decoder.hpp"

#include <string_view>

namespace cis::smtp {

bool DataDecoder::feed(const Line& line) {
    const bool prev_crlf = prev_crlf_;
    prev_crlf_ = line.crlf;
    if (line.too_long) {
        line_too_long_ = true;
        reject();
        return false;
    }
    if (line.crlf && prev_crlf && line.text == ".") return true;
    if (oversize_ || line_too_long_) return false;  // keep reading to the end, store nothing

    std::string_view text = line.text;
    if (!text.empty() && text.front() == '.') text.remove_prefix(1);  // dot-unstuffing
    if (message_.size() + text.size() + 2 > max_) {
        oversize_ = true;
        reject();
        return false;
    }
    message_.append(text);
    message_.append("\r\n");
    return false;
}

void DataDecoder::reject() {
    // Release the memory now; a rejected message is never stored.
    std::string().swap(message_);
}

}  // namespace cis::smtp
