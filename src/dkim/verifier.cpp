#include <cctype>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "core/address.hpp"
#include "dkim/dkim.hpp"
#include "dkim/opendkim.hpp"

namespace cis::dkim {
namespace {

std::string normalize_domain(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && (std::isspace(static_cast<unsigned char>(s.back())) || s.back() == '.'))
        s.remove_suffix(1);
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Reasons reach logs and people, and d= and s= come from the untrusted message.
std::string shown(std::string_view s) {
    constexpr std::size_t kMax = 80;
    std::string out;
    for (char c : s.substr(0, kMax)) out += c > ' ' && c < 0x7f ? c : '?';
    if (s.size() > kMax) out += "...";
    return out;
}

// Relaxed alignment: equal, or one a subdomain of the other; a bare TLD is never a parent.
bool aligned(const std::string& d, const std::string& from) {
    return !d.empty() && !from.empty() && cis::domains_aligned(d, from);
}

// Counted here because a second From: field is how a validly signed message is made to show
// another author: verifiers take the bottom one, mail readers often the top one.
int count_from_fields(std::string_view message) {
    int count = 0;
    for (std::size_t pos = 0; pos < message.size();) {
        const std::size_t eol = message.find('\n', pos);
        std::string_view line =
            message.substr(pos, eol == std::string_view::npos ? eol : eol - pos);
        pos = eol == std::string_view::npos ? message.size() : eol + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) break;  // end of the header
        if (line.size() < 5) continue;
        bool from = true;
        for (int i = 0; i < 4; ++i)
            from = from && std::tolower(static_cast<unsigned char>(line[i])) == "from"[i];
        std::size_t colon = 4;
        while (colon < line.size() && (line[colon] == ' ' || line[colon] == '\t')) ++colon;
        if (from && colon < line.size() && line[colon] == ':') ++count;
    }
    return count;
}

struct Outcome {
    std::string domain;  // d=, lower-cased
    bool pass = false;
    bool temporary = false;
    std::string reason;  // why it failed
};

std::string key_name(DKIM_SIGINFO* sig, const std::string& domain) {
    const auto* selector = reinterpret_cast<const char*>(dkim_sig_getselector(sig));
    return shown(std::string(selector ? selector : "?") + "._domainkey." + domain);
}

// dkim_eom has already processed every signature (DKIM_LIBFLAGS_VERIFYONE is off), so this
// only reads results; dkim_sig_process would fetch the key and check it a second time.
Outcome evaluate(DKIM* handle, DKIM_SIGINFO* sig) {
    Outcome out;
    const auto* d = reinterpret_cast<const char*>(dkim_sig_getdomain(sig));
    out.domain = normalize_domain(d ? d : "");
    const std::string failed =
        "DKIM signature of " + (d ? shown(out.domain) : "unknown domain") + " failed: ";
    const unsigned flags = dkim_sig_getflags(sig);
    const int error = dkim_sig_geterror(sig);
    if ((flags & DKIM_SIGFLAG_PASSED) && dkim_sig_getbh(sig) == DKIM_SIGBH_MATCH) {
        dkim_alg_t alg = DKIM_SIGN_UNKNOWN;
        ssize_t body = 0, signed_body = 0, limit = -1;
        dkim_sig_getsignalg(sig, &alg);
        dkim_sig_getcanonlen(handle, sig, &body, &signed_body, &limit);
        if (alg == DKIM_SIGN_RSASHA1) {
            out.reason = failed + "it uses rsa-sha1, which is no longer accepted (RFC 8301)";
        } else if (limit >= 0 && signed_body < body) {
            out.reason = failed + "its l= tag leaves " + std::to_string(body - signed_body) +
                         " bytes of the body unsigned";
        } else {
            out.pass = true;
        }
        return out;
    }
    if (dkim_sig_getbh(sig) == DKIM_SIGBH_MISMATCH) {
        out.reason = failed + "body hash mismatch (the message body was altered after signing)";
        return out;
    }
    switch (error) {
        case DKIM_SIGERROR_NOKEY:
            out.reason = "DKIM key for " + key_name(sig, out.domain) + " not found";
            break;
        case DKIM_SIGERROR_KEYFAIL:
            out.temporary = true;
            out.reason = "DKIM key for " + key_name(sig, out.domain) +
                         " could not be retrieved (DNS lookup failed)";
            break;
        case DKIM_SIGERROR_BADSIG:
            out.reason = failed +
                         "signature mismatch (a signed header field was altered after signing, "
                         "or the key does not match)";
            break;
        default: {
            const char* text = dkim_sig_geterrorstr(error);
            out.reason = failed + (text && error != DKIM_SIGERROR_OK ? text : "not verified");
        }
    }
    return out;
}

// The one reason reported when nothing passed aligned: a failed signature of the From: domain
// says most, then a valid signature of another domain, then any other failure.
std::string explain_failure(const std::vector<Outcome>& outcomes, const std::string& from) {
    for (const auto& o : outcomes)
        if (!o.pass && aligned(o.domain, from)) return o.reason;
    for (const auto& o : outcomes)
        if (o.pass)
            return "DKIM signature is valid but for d=" + shown(o.domain) +
                   ", not aligned with From: " + shown(from);
    return outcomes.front().reason;
}

}  // namespace

struct Verifier::Impl {
    detail::Lib lib;
};

Verifier::Verifier(VerifierOptions opts) : impl_(std::make_unique<Impl>()) {
    impl_->lib.reset(dkim_init(nullptr, nullptr));
    if (!impl_->lib) throw std::runtime_error("cannot initialise libopendkim");
    DKIM_LIB* lib = impl_->lib.get();
    // Signatures with syntax errors still get a handle, so they can be reported one by one.
    unsigned flags = DKIM_LIBFLAGS_BADSIGHANDLES;
    dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags, sizeof flags);
    if (opts.key_file.empty()) {
        detail::install_thread_safe_resolver(lib);
        return;
    }
    // libopendkim reopens the file for every lookup, relative to the cwd of that moment.
    const std::string path = std::filesystem::absolute(opts.key_file).string();
    if (!std::ifstream(path)) throw std::runtime_error("cannot read DKIM key file " + path);
    dkim_query_t method = DKIM_QUERY_FILE;
    if (dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_QUERYMETHOD, &method, sizeof method) !=
            DKIM_STAT_OK ||
        dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_QUERYINFO, const_cast<char*>(path.c_str()),
                     path.size() + 1) != DKIM_STAT_OK)
        throw std::runtime_error("libopendkim refused the DKIM key file " + path);
}

Verifier::~Verifier() = default;
Verifier::Verifier(Verifier&&) noexcept = default;
Verifier& Verifier::operator=(Verifier&&) noexcept = default;

VerifyResult Verifier::verify(std::string_view raw_message, std::string_view from_domain) const {
    VerifyResult result;
    result.from_domain = normalize_domain(from_domain);
    std::string storage;
    const std::string_view message = detail::to_crlf(raw_message, storage);

    DKIM_STAT status = DKIM_STAT_OK;
    detail::Handle handle(
        dkim_verify(impl_->lib.get(), reinterpret_cast<const u_char*>("cis"), nullptr, &status));
    if (!handle) {
        result.reason = "DKIM verification could not start: " + detail::error_text(nullptr, status);
        return result;
    }
    status = detail::feed_message(handle.get(), message);

    DKIM_SIGINFO** sigs = nullptr;
    int count = 0;
    if (dkim_getsiglist(handle.get(), &sigs, &count) != DKIM_STAT_OK || count <= 0 || !sigs) {
        result.reason = status == DKIM_STAT_OK || status == DKIM_STAT_NOSIG
                            ? "no DKIM signature"
                            : "message could not be checked for DKIM: " +
                                  detail::error_text(handle.get(), status);
        return result;
    }
    std::vector<Outcome> outcomes;
    for (int i = 0; i < count; ++i) {
        if (!sigs[i] || (dkim_sig_getflags(sigs[i]) & DKIM_SIGFLAG_IGNORE)) continue;
        outcomes.push_back(evaluate(handle.get(), sigs[i]));
        if (outcomes.back().pass) result.passing_domains.push_back(outcomes.back().domain);
    }
    if (outcomes.empty()) {
        result.reason = "no usable DKIM signature";
        return result;
    }

    const Outcome* pass = nullptr;
    for (const auto& o : outcomes)
        if (o.pass && aligned(o.domain, result.from_domain) && !pass) pass = &o;
    const int from_fields = count_from_fields(message);
    if (result.from_domain.empty()) {
        result.reason = "no From: domain to check DKIM alignment against";
    } else if (from_fields > 1) {
        result.reason = "message has " + std::to_string(from_fields) +
                        " From: header fields, so DKIM alignment is ambiguous";
    } else if (pass) {
        result.aligned_pass = true;
        result.reason = "valid DKIM signature of " + shown(pass->domain) +
                        ", aligned with From: " + shown(result.from_domain);
    } else {
        result.reason = explain_failure(outcomes, result.from_domain);
        for (const auto& o : outcomes)
            result.temporary_failure |= o.temporary && aligned(o.domain, result.from_domain);
    }
    return result;
}

}  // namespace cis::dkim
