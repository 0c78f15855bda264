#include "services/masking.hpp"

namespace cis::services {

namespace {

// The byte length of the UTF-8 character starting at text[i] (1 for a stray byte, so
// malformed input still advances).
std::size_t char_length(std::string_view text, std::size_t i) {
    const auto b = static_cast<unsigned char>(text[i]);
    std::size_t n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    for (std::size_t k = 1; k < n; ++k)
        if (i + k >= text.size() || (static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80)
            return 1;
    return n;
}

// The first character of `word`, then a star for each further one.
std::string mask_word(std::string_view word) {
    if (word.empty()) return {};
    std::size_t i = char_length(word, 0);
    std::string out(word.substr(0, i));
    for (; i < word.size(); i += char_length(word, i)) out += '*';
    return out;
}

}  // namespace

std::string mask_email(std::string_view address) {
    const auto at = address.rfind('@');
    if (at == std::string_view::npos) return mask_word(address);
    const std::string_view local = address.substr(0, at);
    const bool one_character = !local.empty() && char_length(local, 0) == local.size();
    return (one_character ? std::string("*") : mask_word(local)) + std::string(address.substr(at));
}

std::string mask_name(std::string_view name) {
    std::string out;
    std::size_t start = 0;
    while (start <= name.size()) {
        const auto space = name.find(' ', start);
        const auto end = space == std::string_view::npos ? name.size() : space;
        out += mask_word(name.substr(start, end - start));
        if (space == std::string_view::npos) break;
        out += ' ';
        start = space + 1;
    }
    return out;
}

}  // namespace cis::services
