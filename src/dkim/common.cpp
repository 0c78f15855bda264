#include "dkim/opendkim.hpp"

namespace cis::dkim::detail {

std::string_view to_crlf(std::string_view message, std::string& storage) {
    // Most messages are already CRLF: only copy when a bare LF is present.
    bool bare_lf = false;
    for (std::size_t i = 0; i < message.size() && !bare_lf; ++i)
        bare_lf = message[i] == '\n' && (i == 0 || message[i - 1] != '\r');
    if (!bare_lf) return message;
    storage.clear();
    storage.reserve(message.size() + message.size() / 32);
    for (std::size_t i = 0; i < message.size(); ++i) {
        if (message[i] == '\n' && (i == 0 || message[i - 1] != '\r')) storage += '\r';
        storage += message[i];
    }
    return storage;
}

DKIM_STAT feed_message(DKIM* handle, std::string_view message) {
    // dkim_chunk only reads its input; the C API just is not const-correct.
    auto* data = reinterpret_cast<u_char*>(const_cast<char*>(message.data()));
    DKIM_STAT status = DKIM_STAT_OK;
    // A zero length is dkim_chunk's end-of-input marker, so an empty message sends only that.
    if (!message.empty()) status = dkim_chunk(handle, data, message.size());
    if (status == DKIM_STAT_OK) status = dkim_chunk(handle, nullptr, 0);
    if (status == DKIM_STAT_OK) status = dkim_eom(handle, nullptr);
    return status;
}

std::string error_text(DKIM* handle, DKIM_STAT status) {
    const char* text = handle ? dkim_geterror(handle) : nullptr;
    if (text && *text) return text;
    text = dkim_getresultstr(status);
    return text ? text : "error " + std::to_string(status);
}

}  // namespace cis::dkim::detail
