#include <strings.h>

#include <cctype>
#include <cstdint>
#include <stdexcept>

#include "dkim/dkim.hpp"
#include "dkim/opendkim.hpp"

namespace cis::dkim {
namespace {

// d= and s= are spliced into the header and into a DNS name: refuse anything but a hostname.
bool valid_name(const std::string& s) {
    if (s.empty() || s.size() > 253 || s.front() == '.' || s.back() == '.') return false;
    for (unsigned char c : s)
        if (!(std::isalnum(c) || c == '-' || c == '.' || c == '_')) return false;
    return true;
}

// libopendkim turns the header list into a regular expression: allow plain field names only.
bool valid_field_name(const std::string& s) {
    if (s.empty()) return false;
    for (unsigned char c : s)
        if (!(std::isalnum(c) || c == '-' || c == '_')) return false;
    return true;
}

constexpr std::string_view kProbe =
    "From: probe@example.com\r\nTo: probe@example.com\r\nSubject: probe\r\n\r\nprobe\r\n";

}  // namespace

struct Signer::Impl {
    SignerOptions opts;
    std::vector<const char*> headers;  // NULL-terminated, pointing into opts.headers_to_sign
    detail::Lib lib;
};

Signer::Signer(SignerOptions opts) : impl_(std::make_unique<Impl>()) {
    if (!valid_name(opts.domain)) throw std::invalid_argument("bad DKIM domain: " + opts.domain);
    if (!valid_name(opts.selector))
        throw std::invalid_argument("bad DKIM selector: " + opts.selector);
    if (opts.headers_to_sign.empty()) opts.headers_to_sign = default_signed_headers();
    bool has_from = false;
    for (const auto& h : opts.headers_to_sign) {
        if (!valid_field_name(h)) throw std::invalid_argument("bad header field name: " + h);
        has_from = has_from || strcasecmp(h.c_str(), "from") == 0;
    }
    // libopendkim always signs From, but only over-signs what is listed.
    if (!has_from) opts.headers_to_sign.insert(opts.headers_to_sign.begin(), "From");
    impl_->opts = std::move(opts);
    for (const auto& h : impl_->opts.headers_to_sign) impl_->headers.push_back(h.c_str());
    impl_->headers.push_back(nullptr);

    // A library handle of its own: t=, x= and the header lists are library-wide options.
    impl_->lib.reset(dkim_init(nullptr, nullptr));
    DKIM_LIB* lib = impl_->lib.get();
    if (!lib) throw std::runtime_error("cannot initialise libopendkim");
    // The list itself is the option value; libopendkim keeps the over-sign list by reference.
    const char** list = impl_->headers.data();
    bool ok =
        dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_SIGNHDRS, list, sizeof list) == DKIM_STAT_OK &&
        dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_OVERSIGNHDRS, list, sizeof list) ==
            DKIM_STAT_OK;
    if (impl_->opts.timestamp > 0) {
        std::uint64_t t = static_cast<std::uint64_t>(impl_->opts.timestamp);
        ok = ok &&
             dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_FIXEDTIME, &t, sizeof t) == DKIM_STAT_OK;
    }
    if (impl_->opts.expire_after > 0) {
        std::uint64_t ttl = static_cast<std::uint64_t>(impl_->opts.expire_after);
        ok = ok && dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_SIGNATURETTL, &ttl, sizeof ttl) ==
                       DKIM_STAT_OK;
    }
    if (!ok) throw std::invalid_argument("libopendkim refused the DKIM signing options");
    try {
        signature_header(kProbe);
    } catch (const std::runtime_error& e) {
        throw std::invalid_argument(std::string("DKIM signing key unusable: ") + e.what());
    }
}

Signer::~Signer() = default;
Signer::Signer(Signer&&) noexcept = default;
Signer& Signer::operator=(Signer&&) noexcept = default;

std::string Signer::signature_header(std::string_view raw_message) const {
    const SignerOptions& o = impl_->opts;
    std::string storage;
    const std::string_view message = detail::to_crlf(raw_message, storage);
    DKIM_STAT status = DKIM_STAT_OK;
    // dkim_sign keeps the key pointer until dkim_free; opts outlives the handle.
    detail::Handle handle(
        dkim_sign(impl_->lib.get(), reinterpret_cast<const u_char*>("cis"), nullptr,
                  reinterpret_cast<dkim_sigkey_t>(const_cast<char*>(o.private_key_pem.c_str())),
                  reinterpret_cast<const u_char*>(o.selector.c_str()),
                  reinterpret_cast<const u_char*>(o.domain.c_str()), DKIM_CANON_RELAXED,
                  DKIM_CANON_RELAXED, DKIM_SIGN_RSASHA256, -1, &status));
    if (!handle)
        throw std::runtime_error("cannot start DKIM signing: " +
                                 detail::error_text(nullptr, status));
    status = detail::feed_message(handle.get(), message);
    u_char* value = nullptr;
    std::size_t length = 0;
    if (status == DKIM_STAT_OK)
        status = dkim_getsighdr_d(handle.get(), sizeof DKIM_SIGNHEADER + 1, &value, &length);
    if (status != DKIM_STAT_OK || !value)
        throw std::runtime_error("cannot DKIM-sign message: " +
                                 detail::error_text(handle.get(), status));

    // libopendkim folds with bare LF (what milters hand back); mail on the wire needs CRLF.
    std::string header = DKIM_SIGNHEADER ": ";
    std::string folded;
    header += detail::to_crlf(std::string_view(reinterpret_cast<char*>(value), length), folded);
    header += "\r\n";
    return header;
}

}  // namespace cis::dkim
