// DKIM signing (RFC 6376) written directly on OpenSSL 3 rather than on libopendkim.
//
// Why not libopendkim, which the verifier uses (the project prefers a well-kept library to
// hand-written code): dkim_sign() takes the private key as bytes and parses it again for every
// message (dkim_privkey_load: PEM_read_bio_PrivateKey, slow with OpenSSL 3's decoders), with no
// way to hand it a parsed key. DER is no way out: dkim_sign() measures the key with strlen(), and
// an RSA key in DER always holds zero bytes. Measured with bench/dkim_bench on a 3.5 KB
// invitation (docs/performance.md, "DKIM signing"; medians, CPU time): 1 210–1 290 µs per
// message on libopendkim, where the PEM parse (470 µs) and RSA blinding set up again for each
// freshly parsed key (≈ 300 µs) cost more than the signature; 380 µs here, where a bare
// RSA-2048 signature is 360 µs.
//
// Signing our own output is the easy half of DKIM: relaxed/relaxed canonicalisation
// (RFC 6376 §3.4.2 and §3.4.4), the header selection of §5.4.2, SHA-256 and one signature.
// Every signature is checked with libopendkim's verifier and with python3-dkim, awkward messages
// included (tests/component/dkim_test.cpp); verification of untrusted mail stays on libopendkim.
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <strings.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <ctime>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "dkim/dkim.hpp"

namespace cis::dkim {
namespace {

struct PKeyFree {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using PKey = std::unique_ptr<EVP_PKEY, PKeyFree>;

struct MdCtxFree {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

struct BioFree {
    void operator()(BIO* bio) const { BIO_free(bio); }
};

constexpr std::size_t kMinRsaBits = 1024;  // RFC 8301 §3.2: signers MUST NOT use less
constexpr std::size_t kLineLimit = 78;     // RFC 5322 §2.1.1: lines SHOULD be no longer

// d= and s= are spliced into the header and into a DNS name: refuse anything but a hostname.
bool valid_name(const std::string& s) {
    if (s.empty() || s.size() > 253 || s.front() == '.' || s.back() == '.') return false;
    for (unsigned char c : s)
        if (!(std::isalnum(c) || c == '-' || c == '.' || c == '_')) return false;
    return true;
}

// h= holds field names separated by colons: allow plain field names only.
bool valid_field_name(const std::string& s) {
    if (s.empty()) return false;
    for (unsigned char c : s)
        if (!(std::isalnum(c) || c == '-' || c == '_')) return false;
    return true;
}

bool is_wsp(char c) {
    return c == ' ' || c == '\t';
}

bool same_name(std::string_view a, std::string_view b) {
    return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// The oldest error OpenSSL queued on this thread, as text; the queue is left empty.
std::string openssl_error() {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) return "no detail from OpenSSL";
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    return text;
}

// An encrypted key fails instead of prompting on the terminal (OpenSSL's default).
int no_passphrase(char*, int, int, void*) {
    return -1;
}

std::string base64(const unsigned char* data, std::size_t size) {
    std::string out(4 * ((size + 2) / 3) + 1, '\0');
    const int n =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

// The message with the line breaks SMTP will give it (smtp::prepare_message): a bare LF or a
// bare CR each end a line too. `storage` holds the copy when one is needed.
std::string_view crlf_lines(std::string_view message, std::string& storage) {
    std::size_t i = 0;
    for (; i < message.size(); ++i) {
        if (message[i] == '\n') break;
        if (message[i] == '\r') {
            if (i + 1 == message.size() || message[i + 1] != '\n') break;
            ++i;
        }
    }
    if (i == message.size()) return message;
    storage.reserve(message.size() + message.size() / 32);
    storage.assign(message.substr(0, i));
    for (; i < message.size(); ++i) {
        const char c = message[i];
        if (c != '\r' && c != '\n') {
            storage += c;
            continue;
        }
        if (c == '\r' && i + 1 < message.size() && message[i + 1] == '\n') ++i;
        storage += "\r\n";
    }
    return storage;
}

// One header field as it stands in the message: its name (trailing WSP removed) and all of
// it from the name to the end of its last line, CRLFs of folding included, final CRLF not.
struct Field {
    std::string_view name, text;
};

struct Split {
    std::vector<Field> fields;
    std::string_view body;
};

// The header fields and the body of a CRLF message. The header ends at the first empty line;
// without one, the whole message is header and the body is empty.
Split split(std::string_view m) {
    Split out;
    std::size_t pos = 0;
    while (pos < m.size()) {
        if (m.substr(pos, 2) == "\r\n") {
            out.body = m.substr(pos + 2);
            return out;
        }
        std::size_t end = pos;  // the field runs to a CRLF that no WSP follows
        for (;;) {
            end = m.find("\r\n", end);
            if (end == std::string_view::npos || end + 2 >= m.size() || !is_wsp(m[end + 2])) break;
            end += 2;
        }
        if (end == std::string_view::npos) end = m.size();
        const std::string_view text = m.substr(pos, end - pos);
        const std::size_t colon = text.find(':');
        std::string_view name = text.substr(0, colon);
        while (!name.empty() && is_wsp(name.back())) name.remove_suffix(1);
        if (colon == std::string_view::npos || name.empty() || is_wsp(name.front()))
            throw std::runtime_error("cannot DKIM-sign message: malformed header field at byte " +
                                     std::to_string(pos));
        out.fields.push_back({name, text});
        pos = end + 2;
    }
    return out;
}

// RFC 6376 §3.4.2, relaxed header canonicalisation: the name lower-cased, the value unfolded,
// every run of WSP one space, none around the colon or at the end; then CRLF if `crlf`.
void canonical_field(std::string_view text, std::string& out, bool crlf = true) {
    const std::size_t colon = text.find(':');
    std::string_view name = text.substr(0, colon);
    while (!name.empty() && is_wsp(name.back())) name.remove_suffix(1);
    for (char c : name) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out += ':';
    bool space = false, started = false;
    for (std::size_t i = colon + 1; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            ++i;  // unfolding removes the CRLF; the WSP after it counts as WSP
        } else if (is_wsp(c)) {
            space = started;
        } else {
            if (space) out += ' ';
            out += c;
            space = false;
            started = true;
        }
    }
    if (crlf) out += "\r\n";
}

// RFC 6376 §3.4.4, relaxed body canonicalisation: WSP at the end of a line removed, every other
// run of WSP one space, empty lines at the end removed, a last line without CRLF given one.
void canonical_body(std::string_view body, std::string& out) {
    out.reserve(body.size() + 2);
    std::size_t empty_lines = 0;  // held back until a non-empty line follows them
    std::size_t pos = 0;
    while (pos < body.size()) {
        std::size_t eol = body.find("\r\n", pos);
        if (eol == std::string_view::npos) eol = body.size();
        bool space = false, started = false;
        for (std::size_t i = pos; i < eol; ++i) {
            const char c = body[i];
            if (is_wsp(c)) {
                space = true;
                continue;
            }
            if (!started) {
                for (; empty_lines > 0; --empty_lines) out += "\r\n";
                started = true;
            }
            if (space) out += ' ';
            out += c;
            space = false;
        }
        if (started)
            out += "\r\n";
        else
            ++empty_lines;
        pos = eol + 2;
    }
}

// Builds the header text, folding between items so that no line exceeds kLineLimit.
class Folder {
  public:
    explicit Folder(std::string start) : text_(std::move(start)), column_(text_.size()) {}
    // `item` on the current line if it fits (after a space when `spaced`), else on a new one.
    void add(std::string_view item, bool spaced) {
        if (column_ + spaced + item.size() > kLineLimit) {
            text_ += "\r\n\t";
            column_ = 1;
        } else if (spaced) {
            text_ += ' ';
            ++column_;
        }
        text_ += item;
        column_ += item.size();
    }
    // A long value (b=) in pieces that fill each line.
    void add_long(std::string_view value) {
        while (!value.empty()) {
            if (column_ >= kLineLimit) {
                text_ += "\r\n\t";
                column_ = 1;
            }
            const std::size_t n = std::min(value.size(), kLineLimit - column_);
            text_ += value.substr(0, n);
            column_ += n;
            value.remove_prefix(n);
        }
    }
    const std::string& text() const { return text_; }

  private:
    std::string text_;
    std::size_t column_;
};

constexpr std::string_view kProbe =
    "From: probe@example.com\r\nTo: probe@example.com\r\nSubject: probe\r\n\r\nprobe\r\n";

}  // namespace

struct Signer::Impl {
    SignerOptions opts;
    PKey key;
    bool ed25519 = false;  // else RSA

    // What is signed: the header hash input of RFC 6376 §3.7 for RSA-SHA256, its SHA-256 for
    // Ed25519 (RFC 8463 §3: "pure" Ed25519, no pre-hash of its own, over that digest).
    std::string signed_input(std::string_view data) const;
    // The signature over `data`, raw bytes; throws std::runtime_error.
    std::string sign(std::string_view data) const;
    bool verifies(std::string_view data, const std::string& signature) const;
};

std::string Signer::Impl::signed_input(std::string_view data) const {
    if (!ed25519) return std::string(data);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed: " + openssl_error());
    return std::string(reinterpret_cast<const char*>(digest), size);
}

std::string Signer::Impl::sign(std::string_view data) const {
    const std::string input = signed_input(data);
    // A context per call: the key itself is only read, so threads may sign at once.
    MdCtx ctx(EVP_MD_CTX_new());
    std::string signature(static_cast<std::size_t>(EVP_PKEY_get_size(key.get())), '\0');
    std::size_t size = signature.size();
    if (!ctx ||
        EVP_DigestSignInit_ex(ctx.get(), nullptr, ed25519 ? nullptr : "SHA256", nullptr, nullptr,
                              key.get(), nullptr) != 1 ||
        EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
        throw std::runtime_error("cannot DKIM-sign message: " + openssl_error());
    signature.resize(size);
    return signature;
}

bool Signer::Impl::verifies(std::string_view data, const std::string& signature) const {
    const std::string input = signed_input(data);
    MdCtx ctx(EVP_MD_CTX_new());
    const bool ok =
        ctx &&
        EVP_DigestVerifyInit_ex(ctx.get(), nullptr, ed25519 ? nullptr : "SHA256", nullptr, nullptr,
                                key.get(), nullptr) == 1 &&
        EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                         signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                         input.size()) == 1;
    ERR_clear_error();
    return ok;
}

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
    if (!has_from) opts.headers_to_sign.insert(opts.headers_to_sign.begin(), "From");
    if (opts.timestamp < 0 || opts.expire_after < 0)
        throw std::invalid_argument("DKIM timestamp and expiry must not be negative");

    ERR_clear_error();
    std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(
        opts.private_key_pem.data(), static_cast<int>(opts.private_key_pem.size())));
    impl_->key.reset(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr)
                         : nullptr);
    if (!impl_->key)
        throw std::invalid_argument(
            "DKIM signing key unusable: not an unencrypted PEM private key (" + openssl_error() +
            ")");
    EVP_PKEY* key = impl_->key.get();
    if (EVP_PKEY_is_a(key, "ED25519")) {
        impl_->ed25519 = true;
    } else if (EVP_PKEY_is_a(key, "RSA")) {
        const int bits = EVP_PKEY_get_bits(key);
        if (bits < static_cast<int>(kMinRsaBits))
            throw std::invalid_argument("DKIM signing key unusable: RSA key of " +
                                        std::to_string(bits) + " bits; at least " +
                                        std::to_string(kMinRsaBits) + " needed (RFC 8301)");
    } else {
        const char* type = EVP_PKEY_get0_type_name(key);
        throw std::invalid_argument(std::string("DKIM signing key unusable: key type ") +
                                    (type ? type : "unknown") +
                                    "; DKIM signs with RSA or Ed25519 keys");
    }
    impl_->opts = std::move(opts);

    // A key that signs but whose signatures do not verify (a damaged file) fails here.
    bool verifies = false;
    try {
        verifies = impl_->verifies(kProbe, impl_->sign(kProbe));
    } catch (const std::runtime_error& e) {
        throw std::invalid_argument(std::string("DKIM signing key unusable: ") + e.what());
    }
    if (!verifies)
        throw std::invalid_argument(
            "DKIM signing key unusable: its signatures do not verify with its own public key");
}

Signer::~Signer() = default;
Signer::Signer(Signer&&) noexcept = default;
Signer& Signer::operator=(Signer&&) noexcept = default;

std::string Signer::signature_header(std::string_view raw_message) const {
    const SignerOptions& o = impl_->opts;
    std::string storage;
    const Split message = split(crlf_lines(raw_message, storage));

    // h=: the listed fields present, top to bottom, then each listed name once more
    // (over-signing: a field added later, such as a second From:, breaks the signature).
    std::vector<std::string_view> names;
    bool has_from = false;
    for (const Field& f : message.fields)
        for (const std::string& wanted : o.headers_to_sign)
            if (same_name(f.name, wanted)) {
                names.push_back(f.name);
                has_from = has_from || same_name(f.name, "from");
                break;
            }
    if (!has_from) throw std::runtime_error("cannot DKIM-sign message: it has no From: field");
    for (const std::string& wanted : o.headers_to_sign) names.push_back(wanted);

    std::string body;
    canonical_body(message.body, body);
    unsigned char body_hash[EVP_MAX_MD_SIZE];
    unsigned int body_hash_size = 0;
    if (EVP_Digest(body.data(), body.size(), body_hash, &body_hash_size, EVP_sha256(), nullptr) !=
        1)
        throw std::runtime_error("SHA-256 failed: " + openssl_error());

    const std::int64_t t = o.timestamp > 0 ? o.timestamp : std::time(nullptr);
    Folder header("DKIM-Signature:");
    header.add("v=1;", true);
    header.add(impl_->ed25519 ? "a=ed25519-sha256;" : "a=rsa-sha256;", true);
    header.add("c=relaxed/relaxed;", true);
    header.add("d=" + o.domain + ";", true);
    header.add("s=" + o.selector + ";", true);
    header.add("t=" + std::to_string(t) + ";", true);
    if (o.expire_after > 0) header.add("x=" + std::to_string(t + o.expire_after) + ";", true);
    header.add("bh=" + base64(body_hash, body_hash_size) + ";", true);
    for (std::size_t i = 0; i < names.size(); ++i)
        header.add(
            (i == 0 ? "h=" : "") + std::string(names[i]) + (i + 1 < names.size() ? ":" : ";"),
            i == 0);
    header.add("b=", true);

    // RFC 6376 §5.4.2: each name in h= takes the last field of that name not taken yet.
    std::string data;
    data.reserve(1024);
    std::vector<bool> taken(message.fields.size(), false);
    for (std::string_view name : names)
        for (std::size_t i = message.fields.size(); i-- > 0;)
            if (!taken[i] && same_name(message.fields[i].name, name)) {
                taken[i] = true;
                canonical_field(message.fields[i].text, data);
                break;
            }
    canonical_field(header.text(), data, false);  // with b= empty, and no CRLF (§3.7)

    const std::string signature = impl_->sign(data);
    Folder signed_header = header;
    signed_header.add_long(
        base64(reinterpret_cast<const unsigned char*>(signature.data()), signature.size()));
    return signed_header.text() + "\r\n";
}

}  // namespace cis::dkim
