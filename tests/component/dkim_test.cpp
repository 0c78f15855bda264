// DKIM signing and verification against a key generated at test time, cross-checked with an
// independent implementation (python3-dkim) in both directions.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>

#include "dkim/dkim.hpp"
#include "support/test_support.hpp"

// libopendkim 2.11 leaks 64 bytes in dkim_privkey_load when a signing key does not parse;
// Signer's constructor meets that only for a bad key (BadConfigurationThrows), never per message.
extern "C" const char* __lsan_default_suppressions() {
    return "leak:dkim_privkey_load\n";
}

namespace {

namespace fs = std::filesystem;
using cis::dkim::Signer;
using cis::dkim::SignerOptions;
using cis::dkim::Verifier;
using cis::dkim::VerifyResult;
using ::testing::HasSubstr;
using namespace std::string_literals;

constexpr const char* kPySign = R"(import sys, dkim
key, msg, out, selector, domain, alg, length, oversign = sys.argv[1:9]
# python3-dkim over-signs From by default; an explicit list signs each field once.
headers = None if oversign == '1' else [b'from', b'to', b'subject', b'date', b'message-id']
sig = dkim.sign(open(msg, 'rb').read(), selector.encode(), domain.encode(), open(key, 'rb').read(),
                canonicalize=(b'relaxed', b'relaxed'), signature_algorithm=alg.encode(),
                length=(length == '1'), include_headers=headers)
open(out, 'wb').write(sig)
)";

constexpr const char* kPyVerify = R"(import sys, dkim
msg, pub = sys.argv[1:3]
record = b'v=DKIM1; k=rsa; p=' + open(pub, 'rb').read().strip()
sys.exit(0 if dkim.verify(open(msg, 'rb').read(), dnsfunc=lambda name, timeout=5: record) else 1)
)";

std::string message(const std::string& from = "alice@example.com") {
    return "From: Alice <" + from +
           ">\r\n"
           "To: bob@cis.test\r\n"
           "Subject: Planning meeting\r\n"
           "Date: Mon, 01 Jan 2024 10:00:00 +0000\r\n"
           "Message-ID: <1@example.com>\r\n"
           "MIME-Version: 1.0\r\n"
           "Content-Type: text/calendar; method=REQUEST; charset=utf-8\r\n"
           "\r\n"
           "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n";
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
    const auto at = s.find(from);
    if (at == std::string::npos) throw std::logic_error("test text not found: " + from);
    return s.replace(at, from.size(), to);
}

class DkimTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = fs::temp_directory_path() / ("cis-dkim-test-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
        const std::string d = dir_.string();
        ASSERT_EQ(std::system(("openssl genrsa -out '" + d + "/key.pem' 2048 2>/dev/null").c_str()),
                  0);
        ASSERT_EQ(std::system(("openssl rsa -in '" + d + "/key.pem' -pubout -outform DER " +
                               "2>/dev/null | base64 -w0 > '" + d + "/pub.b64'")
                                  .c_str()),
                  0);
        key_pem_ = cis::test::read_file(dir_ / "key.pem");
        std::ofstream keys(dir_ / "keys.txt");
        keys << "# test keys\n";
        for (const char* domain : {"example.com", "other.org", "mail.example.com", "com"})
            keys << "sel._domainkey." << domain
                 << " v=DKIM1; k=rsa; p=" << cis::test::read_file(dir_ / "pub.b64") << "\n";
        std::ofstream(dir_ / "sign.py") << kPySign;
        std::ofstream(dir_ / "verify.py") << kPyVerify;
    }
    static void TearDownTestSuite() { fs::remove_all(dir_); }

    static Signer signer(const std::string& domain = "example.com") {
        return Signer(
            SignerOptions{.domain = domain, .selector = "sel", .private_key_pem = key_pem_});
    }
    static Verifier verifier() { return Verifier({.key_file = (dir_ / "keys.txt").string()}); }
    static VerifyResult verify(const std::string& msg, const std::string& from = "example.com") {
        return verifier().verify(msg, from);
    }
    static std::string signed_by_us(const std::string& msg, const std::string& d = "example.com") {
        return signer(d).signature_header(msg) + msg;
    }
    // The message signed by python3-dkim; alg is rsa-sha256 or rsa-sha1, length adds l=.
    static std::string signed_by_python(const std::string& msg, const std::string& domain,
                                        const std::string& alg = "rsa-sha256", bool length = false,
                                        bool oversign = true) {
        std::ofstream(dir_ / "msg.eml", std::ios::binary) << msg;
        const std::string d = dir_.string();
        const std::string cmd = "/usr/bin/python3 '" + d + "/sign.py' '" + d + "/key.pem' '" + d +
                                "/msg.eml' '" + d + "/sig.txt' sel " + domain + " " + alg + " " +
                                (length ? "1 " : "0 ") + (oversign ? "1" : "0");
        if (std::system(cmd.c_str()) != 0) throw std::runtime_error("python3-dkim sign failed");
        return cis::test::read_file(dir_ / "sig.txt") + msg;
    }
    static bool python_verifies(const std::string& msg) {
        std::ofstream(dir_ / "check.eml", std::ios::binary) << msg;
        const std::string d = dir_.string();
        const std::string cmd =
            "/usr/bin/python3 '" + d + "/verify.py' '" + d + "/check.eml' '" + d + "/pub.b64'";
        return std::system(cmd.c_str()) == 0;
    }

    static inline fs::path dir_;
    static inline std::string key_pem_;
};

TEST_F(DkimTest, OurSignatureVerifies) {
    const std::string header = signer().signature_header(message());
    EXPECT_TRUE(header.starts_with("DKIM-Signature: "));
    EXPECT_TRUE(header.ends_with("\r\n"));
    EXPECT_THAT(header, HasSubstr("a=rsa-sha256"));
    EXPECT_THAT(header, HasSubstr("c=relaxed/relaxed"));
    EXPECT_THAT(header, HasSubstr("d=example.com"));
    EXPECT_THAT(header, HasSubstr("s=sel"));
    for (std::size_t i = 0; i < header.size(); ++i) {
        if (header[i] != '\n') continue;
        EXPECT_TRUE(i > 0 && header[i - 1] == '\r') << "bare LF at " << i;
    }
    const VerifyResult r = verify(header + message());
    EXPECT_TRUE(r.aligned_pass) << r.reason;
    EXPECT_EQ(r.passing_domains, std::vector<std::string>{"example.com"});
    EXPECT_EQ(r.from_domain, "example.com");
    EXPECT_THAT(r.reason, HasSubstr("valid DKIM signature of example.com"));
}

TEST_F(DkimTest, CustomHeaderListIsSignedAndOverSigned) {
    Signer s(SignerOptions{.domain = "example.com",
                           .selector = "sel",
                           .private_key_pem = key_pem_,
                           .headers_to_sign = {"Subject"}});
    const std::string header = s.signature_header(message());
    EXPECT_THAT(header, HasSubstr("h=From:Subject:From:Subject;"));
    EXPECT_TRUE(verify(header + message()).aligned_pass);
    EXPECT_TRUE(verify(header + "To: carol@cis.test\r\n" + message()).aligned_pass);
    EXPECT_FALSE(verify(header + "Subject: again\r\n" + message()).aligned_pass);
}

TEST_F(DkimTest, PythonSignatureVerifies) {
    const VerifyResult r = verify(signed_by_python(message(), "example.com"));
    EXPECT_TRUE(r.aligned_pass) << r.reason;
    EXPECT_EQ(r.passing_domains, std::vector<std::string>{"example.com"});
}

TEST_F(DkimTest, PythonVerifiesOurSignature) {
    EXPECT_TRUE(python_verifies(signed_by_us(message())));
    EXPECT_FALSE(python_verifies(replace(signed_by_us(message()), "METHOD:REQUEST", "METHOD:X")));
}

TEST_F(DkimTest, TamperedBodyFailsWithBodyHash) {
    const VerifyResult r =
        verify(replace(signed_by_us(message()), "METHOD:REQUEST", "METHOD:CANCEL"));
    EXPECT_FALSE(r.aligned_pass);
    EXPECT_TRUE(r.passing_domains.empty());
    EXPECT_THAT(r.reason, HasSubstr("DKIM signature of example.com failed: body hash mismatch"));
}

TEST_F(DkimTest, TamperedSignedHeaderFails) {
    const VerifyResult r =
        verify(replace(signed_by_us(message()), "Planning meeting", "Pay this invoice"));
    EXPECT_FALSE(r.aligned_pass);
    EXPECT_THAT(r.reason, HasSubstr("DKIM signature of example.com failed: signature mismatch"));
}

TEST_F(DkimTest, AddedFromBreaksOverSignedSignature) {
    const VerifyResult r = verify("From: mallory@example.com\r\n" + signed_by_us(message()));
    EXPECT_FALSE(r.aligned_pass);
    EXPECT_TRUE(r.passing_domains.empty()) << r.reason;
}

TEST_F(DkimTest, DuplicateFromIsNotAligned) {
    // Signed without over-signing, so the signature itself stays valid.
    const VerifyResult r =
        verify("From: ceo@example.com\r\n" +
               signed_by_python(message(), "example.com", "rsa-sha256", false, false));
    EXPECT_FALSE(r.aligned_pass);
    EXPECT_EQ(r.passing_domains, std::vector<std::string>{"example.com"});
    EXPECT_THAT(r.reason, HasSubstr("2 From: header fields"));
}

TEST_F(DkimTest, OtherDomainIsNotAligned) {
    const VerifyResult r = verify(signed_by_us(message(), "other.org"));
    EXPECT_FALSE(r.aligned_pass);
    EXPECT_EQ(r.passing_domains, std::vector<std::string>{"other.org"});
    EXPECT_EQ(r.reason,
              "DKIM signature is valid but for d=other.org, not aligned with From: example.com");
}

TEST_F(DkimTest, SubdomainsAlignButBareTldDoesNot) {
    EXPECT_TRUE(verify(signed_by_us(message(), "mail.example.com")).aligned_pass);
    const std::string sub = message("alice@eu.example.com");
    EXPECT_TRUE(verify(signed_by_us(sub), "eu.example.com").aligned_pass);
    EXPECT_TRUE(verify(signed_by_us(message()), "EXAMPLE.COM.").aligned_pass);
    const VerifyResult tld = verify(signed_by_us(message(), "com"));
    EXPECT_FALSE(tld.aligned_pass);
    EXPECT_THAT(tld.reason, HasSubstr("not aligned"));
    EXPECT_FALSE(verify(signed_by_us(message()), "com").aligned_pass);
    EXPECT_FALSE(verify(signed_by_us(message()), "notexample.com").aligned_pass);
}

TEST_F(DkimTest, BestSignatureWinsAmongSeveral) {
    const std::string twice =
        signer("other.org").signature_header(message()) + signed_by_us(message(), "example.com");
    const VerifyResult r = verify(twice);
    EXPECT_TRUE(r.aligned_pass) << r.reason;
    EXPECT_EQ(r.passing_domains.size(), 2u);
    // An aligned signature that fails explains more than a valid unaligned one.
    const VerifyResult bad = verify(replace(twice, "<alice@", "<alice2@"));
    EXPECT_FALSE(bad.aligned_pass);
    EXPECT_THAT(bad.reason, HasSubstr("of example.com failed"));
}

TEST_F(DkimTest, MissingKeyIsReported) {
    Signer nokey(SignerOptions{
        .domain = "nokey.example.com", .selector = "sel", .private_key_pem = key_pem_});
    const VerifyResult r = verify(nokey.signature_header(message()) + message());
    EXPECT_FALSE(r.aligned_pass);
    EXPECT_FALSE(r.temporary_failure);
    EXPECT_EQ(r.reason, "DKIM key for sel._domainkey.nokey.example.com not found");
}

TEST_F(DkimTest, UnsignedMessage) {
    const VerifyResult r = verify(message());
    EXPECT_FALSE(r.aligned_pass);
    EXPECT_EQ(r.reason, "no DKIM signature");
}

TEST_F(DkimTest, ExpiredSignatureFails) {
    Signer old(SignerOptions{.domain = "example.com",
                             .selector = "sel",
                             .private_key_pem = key_pem_,
                             .timestamp = std::time(nullptr) - 3 * 86400,
                             .expire_after = 86400});
    const VerifyResult r = verify(old.signature_header(message()) + message());
    EXPECT_FALSE(r.aligned_pass);
    EXPECT_THAT(r.reason, HasSubstr("expired"));
}

TEST_F(DkimTest, RsaSha1IsRefused) {
    const VerifyResult r = verify(signed_by_python(message(), "example.com", "rsa-sha1"));
    EXPECT_FALSE(r.aligned_pass);
    EXPECT_THAT(r.reason, HasSubstr("rsa-sha1"));
}

TEST_F(DkimTest, BodyLengthLimitMustCoverTheBody) {
    const std::string limited = signed_by_python(message(), "example.com", "rsa-sha256", true);
    EXPECT_TRUE(verify(limited).aligned_pass) << verify(limited).reason;
    const VerifyResult r =
        verify(limited + "BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\nEND:VCALENDAR\r\n");
    EXPECT_FALSE(r.aligned_pass);
    EXPECT_THAT(r.reason, HasSubstr("l= tag leaves"));
}

TEST_F(DkimTest, BareLfMessageSignsAndVerifies) {
    std::string lf = message();
    std::erase(lf, '\r');
    std::string header = signer().signature_header(lf);
    EXPECT_TRUE(verify(header + lf).aligned_pass);
    std::erase(header, '\r');
    const VerifyResult r = verify(header + lf);
    EXPECT_TRUE(r.aligned_pass) << r.reason;
    // The same signature on the CRLF form: it is what was hashed.
    EXPECT_TRUE(python_verifies(signer().signature_header(lf) + message()));
}

TEST_F(DkimTest, GarbageNeverCrashes) {
    std::mt19937 rng(42);
    std::vector<std::string> inputs = {
        "",
        "\r\n",
        "no header at all",
        "From: a@example.com\r\n\0\0\0\r\n\r\nbody"s,  // NULs in the header
        "DKIM-Signature: garbage\r\nFrom: a@example.com\r\n\r\nbody\r\n",
        "DKIM-Signature: v=1; a=rsa-sha256; d=; s=; b=; bh=\r\nFrom: a@example.com\r\n\r\n",
        "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel; h=from; bh=AAAA; b=%%%\r\n"
        "From: a@example.com\r\n\r\nx\r\n",
        "DKIM-Signature: v=1; a=rsa-sha256; d=" + std::string(400, 'a') + ".com; s=" +
            std::string(300, 's') + "; h=from; bh=AAAA; b=AAAA\r\nFrom: a@example.com\r\n\r\n",
        "X-Long: " + std::string(100000, 'x') + "\r\n\r\n",
        std::string(5000, '\n'),
    };
    for (int i = 0; i < 20; ++i) {
        std::string bytes(static_cast<std::size_t>(rng() % 4000), '\0');
        for (char& c : bytes) c = static_cast<char>(rng());
        inputs.push_back(bytes);
    }
    const std::string good = signed_by_us(message());
    for (int i = 0; i < 200; ++i) {  // a valid message with a few bytes flipped
        std::string mutated = good;
        for (int k = 0; k < 3; ++k) mutated[rng() % mutated.size()] = static_cast<char>(rng());
        inputs.push_back(mutated);
    }
    const Verifier v = verifier();
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const VerifyResult r = v.verify(inputs[i], "example.com");
        EXPECT_FALSE(r.reason.empty()) << "input " << i;
        if (i < 30) {
            EXPECT_FALSE(r.aligned_pass) << "input " << i << ": " << r.reason;
        }
    }
    EXPECT_EQ(v.verify("", "example.com").reason, "no DKIM signature");
    EXPECT_THAT(v.verify(inputs[4], "example.com").reason, HasSubstr("DKIM signature"));
}

TEST_F(DkimTest, OneVerifierManyThreads) {
    const Verifier v = verifier();
    const std::string good = signed_by_us(message());
    const std::string bad = replace(good, "METHOD:REQUEST", "METHOD:CANCEL");
    std::vector<int> passes(4, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 25; ++i) {
                passes[t] += v.verify(good, "example.com").aligned_pass;
                passes[t] -= v.verify(bad, "example.com").aligned_pass;
            }
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(passes, std::vector<int>(4, 25));
}

TEST_F(DkimTest, DnsLookupOfMissingKeyFailsCleanly) {
    // .invalid never resolves (RFC 6761); offline resolvers give a temporary failure instead.
    Signer s(
        SignerOptions{.domain = "example.invalid", .selector = "sel", .private_key_pem = key_pem_});
    const VerifyResult r = Verifier({}).verify(
        s.signature_header(message("a@example.invalid")) + message("a@example.invalid"),
        "example.invalid");
    EXPECT_FALSE(r.aligned_pass);
    EXPECT_THAT(r.reason, HasSubstr("sel._domainkey.example.invalid"));
}

TEST_F(DkimTest, BadConfigurationThrows) {
    EXPECT_THROW(Verifier({.key_file = (dir_ / "absent.txt").string()}), std::runtime_error);
    EXPECT_THROW(Signer(SignerOptions{
                     .domain = "example.com", .selector = "sel", .private_key_pem = "not a key"}),
                 std::invalid_argument);
    EXPECT_THROW(
        Signer(SignerOptions{
            .domain = "exa mple.com; x=1", .selector = "sel", .private_key_pem = key_pem_}),
        std::invalid_argument);
    EXPECT_THROW(Signer(SignerOptions{.domain = "example.com",
                                      .selector = "sel",
                                      .private_key_pem = key_pem_,
                                      .headers_to_sign = {"From", "X-(.*"}}),
                 std::invalid_argument);
    EXPECT_THROW(signer().signature_header("Subject: no from\r\n\r\nbody\r\n"), std::runtime_error);
}

}  // namespace
