// Hostile bytes from an SMTP server, as the relay client reads them: split into replies in
// uneven chunks, each reply's text and EHLO capabilities read.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "smtp/client_capabilities.hpp"
#include "smtp/client_reply.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    cis::smtp::ReplyParser parser;
    for (std::size_t pos = 0, step = 1; pos < bytes.size(); pos += step, step = step * 3 % 17 + 1) {
        parser.feed(bytes.substr(pos, step));
        while (auto reply = parser.next()) {
            (void)reply->text();
            (void)cis::smtp::parse_ehlo(*reply);
        }
        if (parser.malformed()) break;
    }
    return 0;
}
