#pragma once
// DKIM (RFC 6376) on libopendkim: verification of inbound mail with relaxed (DMARC-style)
// alignment against the From: domain, and signing of outbound mail.
//
// Messages are passed as received/sent: RFC 5322 text with SMTP dot-stuffing already removed.
// Lines should end in CRLF; bare LF is tolerated (converted to CRLF before hashing).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cis::dkim {

struct VerifyResult {
    // At least one valid signature whose d= aligns with the From: domain: equal, or one a
    // subdomain of the other (never a bare TLD), and the message has exactly one From: field.
    bool aligned_pass = false;
    // No aligned pass, but the key lookup for a signature that would align failed transiently
    // (DNS): the message may verify later, so a receiver may defer rather than reject.
    bool temporary_failure = false;
    std::string from_domain;                   // as given to verify(), lower-cased
    std::vector<std::string> passing_domains;  // d= of every signature that verified
    std::string reason;                        // one sentence for a person, for every outcome
};

struct VerifierOptions {
    // When set, public keys come from this file instead of DNS, one record a line in OpenDKIM's
    // DKIM_QUERY_FILE format: "sel._domainkey.example.com v=DKIM1; k=rsa; p=MIIB..."; lines
    // starting with '#' are comments. For tests and offline installations.
    // When empty, keys are DNS TXT records fetched with the system resolver (/etc/resolv.conf).
    //
    // There is deliberately no "verification time" option: libopendkim checks x= (expiry)
    // against the real clock, and DKIM_OPTS_FIXEDTIME only fixes t= when signing. Expired
    // signatures are tested by signing with SignerOptions::timestamp in the past instead.
    std::string key_file{};
};

// One libopendkim library handle for the process; verify() makes a per-message handle, so
// one Verifier may be used from several threads at once.
class Verifier {
  public:
    // Throws std::runtime_error when libopendkim cannot start or key_file is unreadable.
    explicit Verifier(VerifierOptions opts);
    ~Verifier();
    Verifier(Verifier&&) noexcept;
    Verifier& operator=(Verifier&&) noexcept;

    // Never throws on bad input (the message is untrusted); every problem ends up in reason.
    // Signatures using rsa-sha1 (RFC 8301) or an l= that leaves part of the body unsigned
    // never count as passing.
    VerifyResult verify(std::string_view raw_message, std::string_view from_domain) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Header fields signed when SignerOptions::headers_to_sign is empty.
inline const std::vector<std::string>& default_signed_headers() {
    static const std::vector<std::string> headers{
        "From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"};
    return headers;
}

struct SignerOptions {
    std::string domain{};           // d=
    std::string selector{};         // s=
    std::string private_key_pem{};  // RSA private key, PEM (PKCS#1 or PKCS#8); RSA-SHA256 is used
    // Fields to sign; empty = default_signed_headers(). From is always signed. Each listed
    // field is also over-signed (named once more in h= than present), so a field added after
    // signing, such as a second From:, breaks the signature.
    std::vector<std::string> headers_to_sign{};
    std::int64_t timestamp = 0;     // t=; 0 = the current time (fixed values are for tests)
    std::int64_t expire_after = 0;  // seconds; x= = t= + expire_after; 0 = no x=
};

// Relaxed/relaxed RSA-SHA256 signatures. Usable from several threads at once.
class Signer {
  public:
    // Signs a probe message, so a bad key or name fails here (std::invalid_argument) rather
    // than on the first real message.
    explicit Signer(SignerOptions opts);
    ~Signer();
    Signer(Signer&&) noexcept;
    Signer& operator=(Signer&&) noexcept;

    // "DKIM-Signature: ...\r\n", folded with CRLF, to prepend to raw_message unchanged.
    // Throws std::runtime_error when the message cannot be signed (e.g. it has no From:).
    std::string signature_header(std::string_view raw_message) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cis::dkim
