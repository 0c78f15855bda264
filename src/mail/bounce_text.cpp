// Reading the human-readable text of a bounce, as the MTAs without RFC 3464 write it
// (qmail, Yahoo, classic Exim, old Gmail, Zoho, Exchange, Postfix, sendmail): which
// address failed, what the remote server said, and where the copy of the original is.
#include <algorithm>

#include "mail/bounce_internal.hpp"

namespace cis::mail::bounce_detail {

namespace {

// What precedes the failed addresses (lower case, whitespace collapsed).
constexpr std::string_view kIntro[] = {
    "following address(es) failed",              // Exim
    "not yet been delivered to one or more",     // Exim, delayed
    "could not be delivered to one or more",     // Exim, Postfix, Zoho
    "to deliver your message to the following",  // qmail, Yahoo
    "delivery to the following recipient",       // old Gmail, Exchange: failed, delayed
    "delivery has failed to these recipients",   // Exchange 2007+
    "following recipient(s) cannot be reached",  // Exchange 2003
    "rejected your message to the following",    // Office 365
    "had permanent fatal errors",                // sendmail
    "had transient non-fatal errors",            // sendmail, delayed
    "couldn't be delivered",                     // Office 365
    "could not be delivered",                    // generic
    "message not delivered",                     // Gmail
};

// What precedes the remote server's words.
constexpr std::string_view kDiagnosticIntro[] = {
    "the error that the other server returned was:",  // old Gmail
    "the response was:",                              // Gmail
    "gave this error:",                               // Office 365
    "the response from the remote server was:",       // Office 365
    "remote host said:",                              // Yahoo
    "(reason:",                                       // sendmail
};

// Headers that open the copy of an original message.
constexpr std::string_view kHeaderNames[] = {
    "received", "return-path",  "message-id",   "from",           "to",           "subject",
    "date",     "mime-version", "content-type", "dkim-signature", "delivered-to", "reply-to",
};

struct Paragraph {
    std::vector<std::string_view> lines;
    std::string text;  // one line, whitespace collapsed
    std::string flat;  // the same, lower-cased (ASCII only: offsets agree)
};

std::vector<Paragraph> paragraphs_of(std::string_view text) {
    std::vector<Paragraph> out(1);
    for (std::size_t pos = 0; pos < text.size();) {
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string_view::npos) eol = text.size();
        std::string_view line = text.substr(pos, eol - pos);
        pos = eol + 1;
        while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (collapse_spaces(line).empty()) {
            if (!out.back().lines.empty()) out.emplace_back();
            continue;
        }
        out.back().lines.push_back(line);
    }
    if (out.back().lines.empty()) out.pop_back();
    for (Paragraph& p : out) {
        std::string joined;
        for (std::string_view l : p.lines) joined.append(l).append(" ");
        p.text = collapse_spaces(joined);
        p.flat = lower(p.text);
    }
    return out;
}

bool is_header_line(std::string_view line) {
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    const std::string name = lower(line.substr(0, colon));
    return std::find(std::begin(kHeaderNames), std::end(kHeaderNames), name) !=
           std::end(kHeaderNames);
}

bool looks_like_headers(const Paragraph& p) {
    return std::count_if(p.lines.begin(), p.lines.end(), is_header_line) >= 2;
}

// "------ This is a copy of the message, including all the headers. ------",
// "--- Below this line is a copy of the message.", "----- Original message -----",
// "Original message headers:".
bool is_copy_marker(std::string_view line) {
    const std::string l = lower(collapse_spaces(line));
    if (l.size() > 120) return false;
    if (contains_any(l, {"copy of the message", "original message headers",
                         "unsent message follows", "returned mail follows"}))
        return true;
    const bool dashes = l.starts_with("--") || l.starts_with("==") || l.starts_with("__");
    return dashes && contains_any(l, {"original message", "message follows", "headers follow"});
}

// The paragraph's words (case kept) after the first occurrence of the lower-case
// `needle`; "" when it does not occur.
std::string after(const Paragraph& p, std::string_view needle) {
    const std::size_t at = p.flat.find(needle);
    return at == std::string::npos ? std::string()
                                   : collapse_spaces(p.text.substr(at + needle.size()));
}

// The paragraph's words after its first address, which must be `address`.
std::string rest_after_address(const Paragraph& p, const std::string& address) {
    std::size_t end = 0;
    if (first_address(p.text, &end) != address) return {};
    std::string_view rest = std::string_view(p.text).substr(end);
    while (!rest.empty() &&
           std::string_view(">:'\") ").find(rest.front()) != std::string_view::npos)
        rest.remove_prefix(1);
    return collapse_spaces(rest);
}

}  // namespace

Original original_from_headers(const FieldBlock& headers) {
    Original o;
    o.message_id = one_line(bare_id(field(headers, "message-id")), 200);
    o.envelope_from = first_address(field(headers, "return-path"));
    o.to = first_address(field(headers, "to"));
    return o;
}

TextReading read_text(std::string_view text) {
    TextReading r;
    const auto paras = paragraphs_of(text);

    // The human part ends at a copy marker or at the copy's headers (Zoho has no marker).
    std::size_t cut = paras.size();
    for (std::size_t i = 0; i < paras.size() && cut == paras.size(); ++i) {
        if (looks_like_headers(paras[i])) cut = i;
        for (std::string_view l : paras[i].lines)
            if (is_copy_marker(l)) cut = i;
    }
    for (std::size_t i = cut; i < paras.size(); ++i) {
        const auto& lines = paras[i].lines;
        const auto first = std::find_if(lines.begin(), lines.end(), is_header_line);
        if (first == lines.end()) continue;
        std::string block;
        for (auto l = first; l != lines.end(); ++l) block.append(*l).append("\n");
        const auto blocks = parse_field_blocks(block);
        if (!blocks.empty()) r.original = original_from_headers(blocks.front());
        break;
    }
    for (std::size_t i = 0; i < cut; ++i) r.wording.append(paras[i].flat).append(" ");

    // The failed address: after the bounce's own words, else a "<address>:" paragraph.
    std::size_t where = cut;
    for (std::size_t i = 0; i < cut && !r.bounce_wording; ++i)
        for (std::string_view intro : kIntro) {
            if (paras[i].flat.find(intro) == std::string::npos) continue;
            r.bounce_wording = true;
            if (!(r.recipient = first_address(after(paras[i], intro))).empty()) {
                where = i;
                break;
            }
            for (std::size_t j = i + 1; j < cut && where == cut; ++j)
                if (!(r.recipient = first_address(paras[j].text)).empty()) where = j;
            break;
        }
    for (std::size_t i = 0; i < cut && where == cut; ++i)
        if (paras[i].flat.starts_with("<") && paras[i].flat.find(">:") != std::string::npos &&
            !(r.recipient = first_address(paras[i].text)).empty())
            where = i;

    // The remote server's words: after a phrase that announces them, else what the
    // failed address's paragraph says after the address.
    for (std::size_t i = 0; i < cut && r.diagnostic.empty(); ++i)
        for (std::string_view intro : kDiagnosticIntro) {
            if (paras[i].flat.find(intro) == std::string::npos) continue;
            r.diagnostic = after(paras[i], intro);
            if (r.diagnostic.empty() && i + 1 < cut) r.diagnostic = paras[i + 1].text;
            if (intro == "(reason:" && r.diagnostic.ends_with(")")) r.diagnostic.pop_back();
            break;
        }
    if (r.diagnostic.empty() && where < cut && !r.recipient.empty())
        r.diagnostic = rest_after_address(paras[where], r.recipient);
    r.diagnostic = one_line(r.diagnostic);
    return r;
}

bool says_delayed(std::string_view t) {
    return contains_any(
        t, {"has been delayed", "have been delayed", "delivery delayed", "not yet been delivered",
            "warning message only", "will continue trying", "will retry", "will be retried",
            "still trying", "transient non-fatal", "delivery is delayed"});
}

bool says_mailbox_full(std::string_view t) {
    return contains_any(
        t, {"mailbox is full", "mailbox full", "over quota", "quota exceeded", "exceeded storage",
            "insufficient storage", "mailbox size limit", "disk quota", "out of storage"});
}

bool says_policy_block(std::string_view t) {
    return contains_any(t, {"spam", "blocked", "blacklist", "blocklist", "block list", "policy",
                            "reputation", "rate limit", "access denied"});
}

bool says_address_dead(std::string_view t) {
    return contains_any(
        t, {"user unknown", "unknown user", "no such user", "does not exist", "doesn't exist",
            "invalid address", "unknown recipient", "recipient not found", "address not found",
            "unrouteable", "no mailbox", "mailbox unavailable", "account disabled",
            "inactive email", "not a valid mailbox"});
}

bool says_permanent(std::string_view t) {
    return contains_any(t, {"permanent", "given up", "fatal error", "failed permanently"});
}

}  // namespace cis::mail::bounce_detail
