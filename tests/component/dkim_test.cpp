// DKIM signing and verification against keys generated at test time, cross-checked with an
// independent implementation (python3-dkim) in both directions. Our signer is hand-written on
// OpenSSL (src/dkim/signer.cpp), so every kind of awkward message it may meet is signed and
// checked with both libopendkim (our Verifier) and python3-dkim.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "dkim/dkim.hpp"
#include "smtp/client_message.hpp"
#include "support/test_support.hpp"

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

// Verifies each message file with the keys of keys.txt (OpenDKIM's key file format); prints
// one line per message: 1 when its (first) signature verifies, else 0 and why.
constexpr const char* kPyVerify = R"(import sys, dkim
records = {}
for line in open(sys.argv[1]):
    if line.strip() and not line.startswith('#'):
        name, record = line.rstrip('\n').split(' ', 1)
        records[name.encode() + b'.'] = record.encode()
for path in sys.argv[2:]:
    d = dkim.DKIM(open(path, 'rb').read())
    try:
        print(1 if d.verify(dnsfunc=lambda name, timeout=5: records.get(name)) else '0 failed')
    except Exception as e:  # python3-dkim raises on a body hash mismatch
        print('0', type(e).__name__, e)
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

// The header with its folding removed (folds sit between tag items, so nothing else changes).
std::string unfolded(std::string header) {
    for (std::size_t at; (at = header.find("\r\n\t")) != std::string::npos;) header.erase(at, 3);
    return header;
}

// The message with its body changed: "X" and a line break inserted where the body starts.
std::string body_tampered(const std::string& msg) {
    const bool lf = msg.find("\r\n") == std::string::npos;
    const std::string eol = lf ? "\n" : "\r\n";
    const auto at = msg.find(eol + eol);
    if (at != std::string::npos) return std::string(msg).insert(at + 2 * eol.size(), "X" + eol);
    return msg + (msg.ends_with(eol) ? eol : eol + eol) + "X" + eol;
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
        // Ed25519 (RFC 8463): the DNS record holds the bare 32-byte key, the end of the DER.
        ASSERT_EQ(std::system(("openssl genpkey -algorithm ed25519 -out '" + d + "/ed.pem' && " +
                               "openssl pkey -in '" + d + "/ed.pem' -pubout -outform DER | " +
                               "tail -c 32 | base64 -w0 > '" + d + "/ed.b64'")
                                  .c_str()),
                  0);
        key_pem_ = cis::test::read_file(dir_ / "key.pem");
        ed_key_pem_ = cis::test::read_file(dir_ / "ed.pem");
        std::ofstream keys(dir_ / "keys.txt");
        keys << "# test keys\n";
        for (const char* domain : {"example.com", "other.org", "mail.example.com", "com"})
            keys << "sel._domainkey." << domain
                 << " v=DKIM1; k=rsa; p=" << cis::test::read_file(dir_ / "pub.b64") << "\n";
        keys << "ed._domainkey.example.com v=DKIM1; k=ed25519; p="
             << cis::test::read_file(dir_ / "ed.b64") << "\n";
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
    // python3-dkim's verdict on each message, in one run: "1", or "0" and why.
    static std::vector<std::string> python_verdicts(const std::vector<std::string>& msgs) {
        const std::string d = dir_.string();
        std::string cmd = "/usr/bin/python3 '" + d + "/verify.py' '" + d + "/keys.txt'";
        for (std::size_t i = 0; i < msgs.size(); ++i) {
            const std::string name = "check" + std::to_string(i) + ".eml";
            std::ofstream(dir_ / name, std::ios::binary) << msgs[i];
            cmd += " '" + d + "/" + name + "'";
        }
        cmd += " > '" + d + "/verdicts.txt'";
        if (std::system(cmd.c_str()) != 0) throw std::runtime_error("python3-dkim verify failed");
        std::vector<std::string> verdicts;
        std::istringstream lines(cis::test::read_file(dir_ / "verdicts.txt"));
        for (std::string line; std::getline(lines, line);) verdicts.push_back(line);
        if (verdicts.size() != msgs.size()) throw std::runtime_error("python3-dkim: lines missing");
        return verdicts;
    }
    static bool python_verifies(const std::string& msg) { return python_verdicts({msg})[0] == "1"; }

    static inline fs::path dir_;
    static inline std::string key_pem_, ed_key_pem_;
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
    std::istringstream lines(header);
    for (std::string line; std::getline(lines, line);)
        EXPECT_LE(line.size(), 79u) << line;  // 78 and the CR (RFC 5322 §2.1.1)
    EXPECT_THAT(unfolded(header),
                HasSubstr("; h=From:To:Subject:Date:Message-ID:MIME-Version:Content-Type:From:To:"
                          "Subject:Date:Message-ID:MIME-Version:Content-Type;"));
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
    EXPECT_THAT(unfolded(header), HasSubstr("h=From:Subject:From:Subject;"));
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
    const std::int64_t t = std::time(nullptr) - 3 * 86400;
    Signer old(SignerOptions{.domain = "example.com",
                             .selector = "sel",
                             .private_key_pem = key_pem_,
                             .timestamp = t,
                             .expire_after = 86400});
    const std::string header = old.signature_header(message());
    EXPECT_THAT(unfolded(header), HasSubstr("t=" + std::to_string(t) + ";"));
    EXPECT_THAT(unfolded(header), HasSubstr("x=" + std::to_string(t + 86400) + ";"));
    const VerifyResult r = verify(header + message());
    EXPECT_FALSE(r.aligned_pass);
    EXPECT_THAT(r.reason, HasSubstr("expired"));
    EXPECT_FALSE(python_verifies(header + message()));
}

TEST_F(DkimTest, FixedTimestampAndExpiry) {
    Signer s(SignerOptions{.domain = "example.com",
                           .selector = "sel",
                           .private_key_pem = key_pem_,
                           .timestamp = 1700000000,
                           .expire_after = 86400 * 365 * 50});
    const std::string header = s.signature_header(message());
    EXPECT_THAT(unfolded(header), HasSubstr("t=1700000000;"));
    EXPECT_THAT(unfolded(header), HasSubstr("x=3276800000;"));
    EXPECT_EQ(header, s.signature_header(message()));  // RSA PKCS#1 v1.5 is deterministic
    EXPECT_TRUE(verify(header + message()).aligned_pass);
    EXPECT_TRUE(python_verifies(header + message()));
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

std::string repeated(const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

// Messages whose canonical form differs from their bytes in every way RFC 6376's relaxed
// canonicalisation allows for, each signed by us and verified by both implementations.
struct Awkward {
    const char* what;
    std::string msg;
    // libopendkim refuses the message as it stands ("CRLF at end of body missing"): only
    // the form SMTP delivers, which ends in CRLF, is checked with it.
    bool wire_only = false;
};

std::vector<Awkward> awkward_messages() {
    const std::string from = "From: Alice <alice@example.com>\r\n";
    const std::string hdrs = from + "To: bob@cis.test\r\nSubject: Planning\r\n";
    std::string big;
    for (int i = 0; i < 2000; ++i) big += "line " + std::to_string(i) + " of a long body\r\n";
    std::string lf = message();
    std::erase(lf, '\r');
    return {
        {"plain", message()},
        {"folded headers", from + "To: bob@cis.test,\r\n  carol@cis.test,\r\n\tdave@cis.test\r\n"
                                  "Subject: a subject\r\n folded\r\n\t  twice\r\n\r\nbody\r\n"},
        {"whitespace in header values",
         "From:Alice <alice@example.com>   \r\nTo:\t bob@cis.test\t\r\n"
         "Subject:   many    spaces\t\tand tabs   \r\n\r\nbody\r\n"},
        {"continuation line of only whitespace",
         from + "Subject: first\r\n \r\n second\r\n\r\nbody\r\n"},
        {"trailing whitespace in the body", hdrs + "\r\nline one   \r\nline two\t\r\n \t x \t\r\n"},
        {"whitespace runs inside lines", hdrs + "\r\na  \t  b\r\n   leading\r\n\tc\td\r\n"},
        {"lines of only whitespace", hdrs + "\r\na\r\n   \r\n\t\r\nb\r\n \t \r\n\r\n"},
        {"empty body", hdrs + "\r\n"},
        {"no body and no empty line", hdrs},
        {"body of empty lines", hdrs + "\r\n\r\n\r\n\r\n"},
        {"many trailing empty lines", hdrs + "\r\nlast\r\n" + repeated("\r\n", 100)},
        {"body without final CRLF", hdrs + "\r\nline one\r\nno line break", true},
        {"body ending in whitespace without CRLF", hdrs + "\r\nline one\r\n \t ", true},
        {"bare LF", lf},
        {"bare CR", hdrs + "\r\nline one\rline two\r\n", true},
        {"8-bit UTF-8 headers and body",
         "From: Jürgen Müller <alice@example.com>\r\nTo: Ana María <ana@cis.test>\r\n"
         "Subject: Wöchentliche Chorprobe ⚽  am Dienstag\r\n\r\nBitte pünktlich sein.\r\n"},
        {"lower-case field names",
         "from: alice@example.com\r\nsubject: x\r\nTO: bob@cis.test\r\n\r\nb\r\n"},
        {"repeated fields",
         from + "To: one@cis.test\r\nSubject: s\r\nTo: two@cis.test\r\n"
                "Date: Mon, 01 Jan 2024 10:00:00 +0000\r\nTo: three@cis.test\r\n\r\nb\r\n"},
        {"unsigned fields in between",
         "Received: from x by y\r\n" + from + "X-Custom: 1\r\nSubject: s\r\n\r\nb\r\n"},
        {"long unfolded header", from + "Subject: " + std::string(900, 's') + "\r\n\r\nb\r\n"},
        {"large body", hdrs + "\r\n" + big},
    };
}

// The message as the relay client puts it on the wire (every line ending CRLF, a CRLF at the
// end), without the final dot; none of the test messages needs dot-stuffing.
std::string wire(const std::string& msg) {
    std::string w = cis::smtp::prepare_message(msg).wire;
    return w.substr(0, w.size() - 3);
}

TEST_F(DkimTest, AwkwardMessagesVerifyWithOpenDkimAndPython) {
    const auto cases = awkward_messages();
    for (const char* key : {"rsa", "ed25519"}) {
        const bool ed = std::string(key) == "ed25519";
        const Signer s(SignerOptions{.domain = "example.com",
                                     .selector = ed ? "ed" : "sel",
                                     .private_key_pem = ed ? ed_key_pem_ : key_pem_});
        const Verifier v = verifier();
        std::vector<std::string> for_python;  // per case: signed, body changed, From: changed
        for (const auto& c : cases) {
            SCOPED_TRACE(std::string(key) + ": " + c.what);
            const std::string header = s.signature_header(c.msg);
            EXPECT_THAT(header, HasSubstr(ed ? "a=ed25519-sha256;" : "a=rsa-sha256;"));
            std::vector<std::string> forms{wire(header + c.msg)};
            if (!c.wire_only) forms.push_back(header + c.msg);
            for (const std::string& signed_msg : forms) {
                const VerifyResult r = v.verify(signed_msg, "example.com");
                EXPECT_TRUE(r.aligned_pass) << r.reason;
                EXPECT_FALSE(v.verify(body_tampered(signed_msg), "example.com").aligned_pass);
                const std::string other_from =
                    replace(signed_msg, "alice@example.com", "alicia@example.com");
                EXPECT_FALSE(v.verify(other_from, "example.com").aligned_pass);
            }
            // python3-dkim reads CRLF text only, so it gets the wire form.
            for_python.push_back(forms[0]);
            for_python.push_back(body_tampered(forms[0]));
            for_python.push_back(replace(forms[0], "alice@example.com", "alicia@example.com"));
        }
        const auto verdicts = python_verdicts(for_python);
        for (std::size_t i = 0; i < cases.size(); ++i) {
            SCOPED_TRACE(std::string(key) + ": " + cases[i].what);
            EXPECT_EQ(verdicts[3 * i], "1") << "python3-dkim refused our signature";
            EXPECT_NE(verdicts[3 * i + 1], "1") << "python3-dkim accepted a changed body";
            EXPECT_NE(verdicts[3 * i + 2], "1") << "python3-dkim accepted a changed From:";
        }
    }
}

TEST_F(DkimTest, RelaxedCanonicalisationToleratesWhitespaceChanges) {
    const std::string good = signed_by_us(message());
    const std::string respaced = replace(
        replace(replace(good, "Subject: Planning meeting", "Subject:  Planning \t meeting  "),
                "To: bob@cis.test", "To:\r\n bob@cis.test"),
        "METHOD:REQUEST\r\n", "METHOD:REQUEST \t\r\n");
    EXPECT_TRUE(verify(respaced).aligned_pass) << verify(respaced).reason;
    EXPECT_TRUE(python_verifies(respaced + "\r\n\r\n"));
    EXPECT_FALSE(verify(replace(good, "Planning meeting", "Planningmeeting")).aligned_pass);
}

TEST_F(DkimTest, Ed25519SignatureVerifies) {
    const Signer s(
        SignerOptions{.domain = "example.com", .selector = "ed", .private_key_pem = ed_key_pem_});
    const std::string header = s.signature_header(message());
    EXPECT_THAT(unfolded(header), HasSubstr("v=1; a=ed25519-sha256; c=relaxed/relaxed;"));
    const VerifyResult r = verify(header + message());
    EXPECT_TRUE(r.aligned_pass) << r.reason;
    EXPECT_TRUE(python_verifies(header + message()));
    EXPECT_FALSE(python_verifies(replace(header + message(), "Planning", "Paying")));
}

TEST_F(DkimTest, OneSignerManyThreads) {
    const Signer s = signer();
    std::vector<std::vector<std::string>> signed_msgs(4);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 10; ++i) {
                const std::string msg = replace(message(), "Planning meeting",
                                                "Meeting " + std::to_string(t * 100 + i));
                signed_msgs[t].push_back(s.signature_header(msg) + msg);
            }
        });
    for (auto& t : threads) t.join();
    const Verifier v = verifier();
    for (const auto& list : signed_msgs)
        for (const auto& m : list) EXPECT_TRUE(v.verify(m, "example.com").aligned_pass);
}

TEST_F(DkimTest, BadKeysFailAtConstructionWithAClearError) {
    const std::string d = dir_.string();
    ASSERT_EQ(std::system(("cd '" + d + "' && openssl genrsa -out small.pem 512 2>/dev/null && " +
                           "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 " +
                           "-out ec.pem && openssl genrsa -aes128 -passout pass:secret " +
                           "-out encrypted.pem 1024 2>/dev/null && " +
                           "openssl rsa -in key.pem -pubout -out public.pem 2>/dev/null")
                              .c_str()),
              0);
    const auto error = [](const std::string& pem) -> std::string {
        try {
            Signer(
                SignerOptions{.domain = "example.com", .selector = "sel", .private_key_pem = pem});
        } catch (const std::invalid_argument& e) {
            return e.what();
        }
        return "no error";
    };
    const std::string not_pem = "DKIM signing key unusable: not an unencrypted PEM private key";
    EXPECT_THAT(error(""), HasSubstr(not_pem));
    EXPECT_THAT(error("not a key"), HasSubstr(not_pem));
    EXPECT_THAT(error(key_pem_.substr(0, key_pem_.size() / 2)), HasSubstr(not_pem));
    EXPECT_THAT(error(cis::test::read_file(dir_ / "public.pem")), HasSubstr(not_pem));
    EXPECT_THAT(error(cis::test::read_file(dir_ / "encrypted.pem")), HasSubstr(not_pem));
    EXPECT_THAT(error(cis::test::read_file(dir_ / "small.pem")),
                HasSubstr("RSA key of 512 bits; at least 1024"));
    EXPECT_THAT(error(cis::test::read_file(dir_ / "ec.pem")),
                HasSubstr("key type EC; DKIM signs with RSA or Ed25519 keys"));
    // A damaged modulus: the key may still parse, but its signatures do not verify.
    std::string damaged = key_pem_;
    const auto at = damaged.find('\n') + 100;
    damaged[at] = damaged[at] == 'A' ? 'B' : 'A';
    EXPECT_THAT(error(damaged), HasSubstr("DKIM signing key unusable"));
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
