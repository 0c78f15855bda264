#pragma once
// DKIM (RFC 6376): verification of inbound mail on libopendkim, with relaxed (DMARC-style)
// alignment against the From: domain; signing of outbound mail directly on OpenSSL 3
// (signer.cpp says why: libopendkim parses the private key again for every message).
//
// Messages are passed as received/sent: RFC 5322 text with SMTP dot-stuffing already removed.
// Lines should end in CRLF; bare LF is tolerated (converted to CRLF before hashing; the signer
// also takes a bare CR as a line break, as the relay client sends it).
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
    std::string domain{};    // d=
    std::string selector{};  // s=
    // Unencrypted PEM private key (PKCS#1 or PKCS#8): RSA of at least 1024 bits (2048 advised)
    // signs rsa-sha256; Ed25519 signs ed25519-sha256 (RFC 8463; not every receiver checks it).
    std::string private_key_pem{};
    // Fields to sign; empty = default_signed_headers(). From is always signed. Each listed
    // field is also over-signed (named once more in h= than present), so a field added after
    // signing, such as a second From:, breaks the signature.
    std::vector<std::string> headers_to_sign{};
    std::int64_t timestamp = 0;     // t=; 0 = the current time (fixed values are for tests)
    std::int64_t expire_after = 0;  // seconds; x= = t= + expire_after; 0 = no x=
};

// Relaxed/relaxed rsa-sha256 (or ed25519-sha256) signatures. The key is parsed once, here;
// signature_header() only reads it and uses a signing context of its own per call, so one
// Signer may be used from several threads at once.
class Signer {
  public:
    // Parses the key and signs and verifies a probe message, so a bad key (not PEM, encrypted,
    // another type, too short, damaged) or name fails here with std::invalid_argument saying
    // what is wrong, rather than on the first real message.
    explicit Signer(SignerOptions opts);
    ~Signer();
    Signer(Signer&&) noexcept;
    Signer& operator=(Signer&&) noexcept;

    // "DKIM-Signature: ...\r\n", folded with CRLF into lines of at most 78 characters, to
    // prepend to raw_message unchanged. Throws std::runtime_error when the message cannot be
    // signed (it has no From:, or a header line that is not a field).
    std::string signature_header(std::string_view raw_message) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cis::dkim
