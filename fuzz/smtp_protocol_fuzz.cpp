// Hostile bytes from an SMTP client: split into lines with the session's caps, each line
// parsed as a command, and the same stream decoded as DATA (dot-unstuffing, limits).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "smtp/command.hpp"
#include "smtp/data_decoder.hpp"
#include "smtp/line_buffer.hpp"
#include "smtp/reply.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    cis::smtp::LineBuffer commands(510);
    cis::smtp::LineBuffer lines(cis::smtp::kMaxDataLine);
    cis::smtp::DataDecoder decoder(64 * 1024);
    // Feed in uneven chunks, as reads from a socket arrive.
    for (std::size_t pos = 0, step = 1; pos < bytes.size(); pos += step, step = step * 3 % 17 + 1) {
        const auto chunk = bytes.substr(pos, step);
        commands.append(chunk);
        lines.append(chunk);
        while (auto line = commands.next()) {
            const auto cmd = cis::smtp::parse_command(line->text);
            (void)cmd;
            (void)cis::smtp::format_reply(cis::smtp::sanitize_reply({250, "", line->text}));
        }
        while (auto line = lines.next())
            if (decoder.feed(*line)) break;
    }
    (void)cis::smtp::parse_size(bytes);
    return 0;
}
