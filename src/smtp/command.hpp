#pragma once
// Pure parsing of SMTP command lines (RFC 5321 section 4.1). No I/O and no state, so it can
// be unit-tested and fuzzed directly: every input, including binary garbage, yields a Command.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cis::smtp {

enum class Verb {
    kHelo,
    kEhlo,
    kMail,
    kRcpt,
    kData,
    kRset,
    kNoop,
    kQuit,
    kVrfy,
    kExpn,
    kHelp,
    kStartTls,
    kUnknown,  // not a command we know (including empty lines and binary junk)
};

// An ESMTP parameter of MAIL/RCPT, e.g. "SIZE=1024" or "SMTPUTF8".
struct Param {
    std::string keyword;  // upper-cased
    std::string value;    // empty when absent
};

struct Command {
    Verb verb = Verb::kUnknown;
    // HELO/EHLO: the client's domain; VRFY/EXPN/HELP/NOOP: the trimmed argument text.
    std::string argument;
    // MAIL/RCPT: the mailbox without <> and without any (ignored) source route;
    // empty for the null reverse-path "<>" of MAIL.
    std::string path;
    std::vector<Param> params;  // MAIL/RCPT ESMTP parameters, in order
    // Non-empty when the verb is known but the line is malformed; the server answers
    // "501 5.5.4 <error>".
    std::string error;
};

// Parses one command line given without its line terminator. Verbs are case-insensitive.
// Lenient where real clients are sloppy (spaces after "FROM:", a path without <>), strict
// where it matters (arguments to DATA/RSET/STARTTLS, malformed paths, control bytes).
Command parse_command(std::string_view line);

// True if every byte is 7-bit ASCII (addresses that are not need SMTPUTF8, RFC 6531).
bool is_ascii(std::string_view s);

// Parses the decimal value of a SIZE parameter; nullopt when not all digits or > 2^63.
std::optional<std::uint64_t> parse_size(std::string_view s);

}  // namespace cis::smtp
