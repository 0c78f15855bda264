#include "mail/gmime_init.hpp"

#include <gmime/gmime.h>

#include <mutex>

namespace cis::mail {

void ensure_gmime() {
    static std::once_flag once;
    std::call_once(once, [] {
        g_mime_init();
        // Real mail is full of 8-bit header text in undeclared charsets: let GMime
        // try the usual suspects when decoding instead of leaving raw bytes.
        GMimeParserOptions* opts = g_mime_parser_options_get_default();
        static const char* fallback[] = {"UTF-8", "windows-1252", nullptr};
        g_mime_parser_options_set_fallback_charsets(opts, fallback);
    });
}

}  // namespace cis::mail
