// classify_bounce (src/mail/bounce.hpp): every message of ../shared/corpus/bounces with
// the verdict it must get, our own fixtures (tests/fixtures/bounces) for what the corpus
// lacks (ARF, auto-replies, delays, several recipients), the decision table row by row,
// and hostile bytes.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>

#include "mail/bounce.hpp"
#include "mail/bounce_internal.hpp"
#include "mail/charset.hpp"
#include "support/test_support.hpp"

namespace cis::mail {
namespace {

using Kind = BounceReport::Kind;

struct Expected {
    Kind kind;
    std::string recipient;  // "" where the message does not say which address failed
    std::string status;     // "" where it gives no enhanced status code
    std::string original_message_id, original_envelope_from;
};

// Read from the files themselves; a comment says why where the answer is not obvious.
const std::map<std::string, Expected> kCorpus = {
    // Status 5.0.0; the remote's own words "550-'5.7.1 <…@email-bounces…>... Access
    // denied'" refuse the sender by policy, which says nothing about the recipient.
    {"amazonses-dsn.eml",
     {Kind::Soft, "shironeko@example.co.jp", "5.7.1",
      "000001321defbd2a-788e31c8-2be1-422f-a8d4-cf7765cc9ed7-000000@email.amazonses.com",
      "000001321defbd2a-788e31c8-2be1-422f-a8d4-cf7765cc9ed7-000000@email-bounces.amazonses.com"}},
    // The returned original has neither Message-ID nor Return-Path.
    {"exchange2007-ndr-5.1.1-resolver-adr-recipnotfound.eml",
     {Kind::Hard, "mikeneko@example.co.jp", "5.1.1", "", ""}},
    // "550 5.7.0 ... Please use the smtp server of your ISP": the sender's host refused.
    {"exim-bounce-plain-text.eml",
     {Kind::Soft, "kijitora@example.ed.jp", "5.7.0", "E1P1ce6-000Egt-GZ@e1.example.org",
      "shironeko@example.jp"}},
    // Final-Recipient is a file path; X-Failed-Recipients names Exim's %-routed form of
    // the original To (nyaan@gol.com). "mailbox is full" makes the generic 5.0.0 soft.
    {"exim-dsn-multipart-report.eml",
     {Kind::Soft, "nyaan%gol.com@q002.kijitora.gol.com", "5.0.0",
      "20180429233445.A00000000222@neko.example.jp", "neko-nyaan@example.jp"}},
    // An empty delivery-status part; the failure is the sender's "Send mail as"
    // settings (no SMTP AUTH), not the recipient. The address is X-Failed-Recipients'.
    {"gmail-googleworkspace-dsn-failure.eml",
     {Kind::Soft, "neko-nyaan-cat-meeting@google-groups.example.com", "",
      "CAByYQsF5qdTf_h-1AAVPW0RgR1YN+LE=+0Uv9LpQ4aA_myPtCw@mail.gmail.com", ""}},
    {"gmail-legacy-dsn-text-only.eml",
     {Kind::Hard, "userunknown@example.jp", "5.1.1",
      "D992C2C3-F175-4C4D-97E2-53A90E4E5BF5@gmail.com",
      "the-local-part-of-google-mail-address@gmail.com"}},
    {"hotmail-dsn-delayed-4.4.7.eml",
     {Kind::Soft, "kijitora@example.com", "4.4.7", "BAY182-W4180385B0DABF89EB94B34A9300@phx.gbl",
      "shironeko@outlook.example.com"}},
    {"outlookcom-exchange-online-ndr-5.1.351.eml",
     {Kind::Hard, "otsu-sakaba-hunter-neko-nyaaaaaaan@ezweb.ne.jp", "5.1.351",
      "SLXP216MB0381A8F03A83505296890D11A9950@SLXP216MB0381.KORP216.PROD.OUTLOOK.COM", ""}},
    {"outlookcom-exchange-online-ndr-undeliverable-5.1.1.eml",
     {Kind::Hard, "kijitora@cr3.neko.nyaan.jp", "5.1.1",
      "SLXP216MB0381A4F513CF42F0FCDA0E2FA9250@SLXP216MB0381.KORP216.PROD.OUTLOOK.COM", ""}},
    // Status 5.0.0, refined by the remote's "550 5.1.1 unknown or illegal alias".
    {"postfix-dsn-5.0.0-with-original-ics.eml",
     {Kind::Hard, "nonexistant@example.com", "5.1.1",
      "20080812191939.51369.1538816694.0@plugh.example.com", ""}},
    {"postfix-dsn-5.1.1-gmail-rejected-original-without-ics.eml",
     {Kind::Hard, "thisdoesnotexist@example.com", "5.1.1",
      "40900559-DAB1-4956-BA87-F88E00CF5104@example.com", ""}},
    // Two failed recipients (5.2.1 and 5.1.1): the first is reported.
    {"postfix-dsn-5.2.1.eml",
     {Kind::Hard, "filtered@example.co.jp", "5.2.1", "", "kijitora@example.jp"}},
    // The parts do not use the boundary the header declares: read by hand.
    {"postfix-dsn-gmail-rejected-5.1.1.eml",
     {Kind::Hard, "neko-nyaan@example.org", "5.1.1",
      "2018042233445.A95F8E533589@mail.example.co.jp", ""}},
    {"postfix-dsn-icloud-rejected-5.1.1.eml",
     {Kind::Hard, "pseudo-local-part-of-icloud@icloud.com", "5.1.1",
      "Hk664bT3pXznnDPw@smtp1.example.jp", "kijitora@example.jp"}},
    // Status 5.0.0 refined as above; the message ends inside the delivery-status part.
    {"postfix-dsn-no-original.eml", {Kind::Hard, "nonexistant@example.com", "5.1.1", "", ""}},
    // qmail's own "(#5.5.0)" after "550 Unknown user".
    {"qmail-bounce-plain-text.eml",
     {Kind::Hard, "kijitora@example.ne.jp", "5.5.0",
      "000000000.9999999999999.JavaMail.postmaster@mailhub", "nekochan@example.jp"}},
    {"sendmail-dsn-5.1.1.eml",
     {Kind::Hard, "userunknown@bouncehammer.jp", "5.1.1",
      "E1C50F1B-1C83-4820-BC36-AC6FBFBE8568@example.org", "kijitora@example.org"}},
    {"yahoo-failure-notice-plain-text.eml",
     {Kind::Hard, "kijitora@example.org", "5.1.1",
      "6AE6249A-E7A8-4980-862C-F499F6B8E7C5@y.example.co.jp", ""}},
    // The original's headers follow the text without a marker, "Name:value" unspaced.
    {"zoho-bounce.eml",
     {Kind::Hard, "kijitora@example.co.jp", "5.1.1",
      "14a3e1b4b5a.10b1a4c5610175.8588386083425091336@zoho.example.com", ""}},
};

// tests/fixtures/bounces: written for CIS (see the README there).
const std::map<std::string, Expected> kFixtures = {
    {"arf-abuse-complaint.eml",
     {Kind::Complaint, "Zack.Miller@example.org", "", "evt-9f2b1c.r17.s0@cis.test",
      "bounce+17-3f9a2c1b0d4e@cis.test"}},
    // No Original-Rcpt-To: the recipient is the To of the returned headers.
    {"arf-complaint-headers-only.eml",
     {Kind::Complaint, "anna@isp.example.com", "", "evt-1c2d3e.r42.s1@cis.test",
      "bounce+42-77aa01bc9e3d@cis.test"}},
    {"auto-reply-out-of-office.eml", {Kind::NotABounce, "", "", "", ""}},
    {"auto-reply-vacation-x-autoreply.eml", {Kind::NotABounce, "", "", "", ""}},
    {"dsn-delayed-postfix.eml",
     {Kind::Soft, "maria@slow.example.org", "4.4.1", "evt-9f2b1c.r20.s0@cis.test",
      "bounce+20-9a8b7c6d5e4f@cis.test"}},
    // The delivered recipient comes first; the failed one is reported, as written in
    // Original-Recipient.
    {"dsn-two-recipients-delivered-and-failed.eml",
     {Kind::Hard, "Old.Member@example.org", "5.1.1", "news-20300514.1@cis.test",
      "bounce+21-1f2e3d4c5b6a@cis.test"}},
    {"exchange2003-ndr-plain-text.eml",
     {Kind::Hard, "peter.gone@corp.example.com", "5.1.1", "", ""}},
    {"exim-delayed-plain-text.eml", {Kind::Soft, "paul@far.example.com", "", "", ""}},
    {"not-a-bounce-human-reply.eml", {Kind::NotABounce, "", "", "", ""}},
};

// What every report must satisfy, whatever the input.
void expect_well_formed(const BounceReport& r) {
    EXPECT_FALSE(r.reason.empty());
    EXPECT_TRUE(r.reason.ends_with(".")) << r.reason;
    for (const std::string* s : {&r.recipient, &r.status, &r.diagnostic, &r.reason,
                                 &r.original_message_id, &r.original_envelope_from}) {
        EXPECT_TRUE(is_valid_utf8(*s)) << *s;
        EXPECT_EQ(s->find_first_of("\r\n"), std::string::npos) << *s;
    }
    EXPECT_LE(r.diagnostic.size(), 700u);
    EXPECT_TRUE(r.status.empty() || bounce_detail::is_enhanced_code(r.status)) << r.status;
}

void check_directory(const std::filesystem::path& dir, const std::map<std::string, Expected>& table,
                     const char* table_name) {
    std::set<std::string> seen;
    for (const auto& path : test::files_in(dir)) {
        const std::string name = path.filename().string();
        if (name == "README.md") continue;
        seen.insert(name);
        const auto it = table.find(name);
        if (it == table.end()) {
            ADD_FAILURE() << dir / name << " has no expectation: read it and add it to "
                          << table_name << " in " << __FILE__;
            continue;
        }
        SCOPED_TRACE(name);
        const Expected& e = it->second;
        const BounceReport r = classify_bounce(test::read_file(path));
        EXPECT_EQ(to_string(r.kind), std::string(to_string(e.kind))) << r.reason;
        EXPECT_EQ(r.recipient, e.recipient);
        EXPECT_EQ(r.status, e.status);
        EXPECT_EQ(r.original_message_id, e.original_message_id);
        EXPECT_EQ(r.original_envelope_from, e.original_envelope_from);
        expect_well_formed(r);
        std::printf("  %-58s %-12s %-6s %s\n", name.c_str(), to_string(r.kind), r.status.c_str(),
                    r.reason.c_str());
    }
    for (const auto& [name, _] : table)
        EXPECT_TRUE(seen.count(name)) << name << " is expected but not in " << dir;
}

TEST(BounceCorpus, EveryFileIsClassifiedAsExpected) {
    CIS_REQUIRE_CORPUS();
    const auto dir = test::corpus_dir() / "bounces";
    ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
    check_directory(dir, kCorpus, "kCorpus");
}

TEST(BounceFixtures, EveryFileIsClassifiedAsExpected) {
    const auto dir = test::fixtures_dir() / "bounces";
    ASSERT_TRUE(std::filesystem::is_directory(dir))
        << dir << " not found: set CIS_FIXTURES_DIR to the repository's tests/fixtures";
    check_directory(dir, kFixtures, "kFixtures");
}

TEST(BounceFixtures, ReasonsSayWhatTheyAre) {
    const auto dir = test::fixtures_dir() / "bounces";
    ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir << " not found";
    const auto reason = [&](const char* file) {
        return classify_bounce(test::read_file(dir / file)).reason;
    };
    EXPECT_NE(reason("auto-reply-out-of-office.eml").find("Auto-Submitted: auto-replied"),
              std::string::npos);
    EXPECT_NE(reason("auto-reply-vacation-x-autoreply.eml").find("X-Autoreply"), std::string::npos);
    EXPECT_NE(reason("arf-abuse-complaint.eml").find("Feedback-Type: abuse"), std::string::npos);
    EXPECT_NE(reason("dsn-delayed-postfix.eml").find("delayed"), std::string::npos);
    EXPECT_NE(reason("exim-delayed-plain-text.eml").find("delayed"), std::string::npos);
}

// --- the decision table, one row at a time -----------------------------------------

std::string dsn(const std::string& recipient_fields) {
    return "From: MAILER-DAEMON@relay.example.net (Mail Delivery System)\r\n"
           "To: bounce+1-abcdefabcdef@cis.test\r\n"
           "Subject: Delivery report\r\n"
           "MIME-Version: 1.0\r\n"
           "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n"
           "\r\n"
           "--b\r\nContent-Type: text/plain\r\n\r\nA report.\r\n"
           "--b\r\nContent-Type: message/delivery-status\r\n\r\n"
           "Reporting-MTA: dns; relay.example.net\r\n\r\n" +
           recipient_fields +
           "\r\n"
           "--b--\r\n";
}

BounceReport failed(const std::string& status, const std::string& diagnostic = "") {
    return classify_bounce(
        dsn("Final-Recipient: rfc822; x@example.org\r\nAction: failed\r\n"
            "Status: " +
            status + "\r\n" +
            (diagnostic.empty() ? "" : "Diagnostic-Code: smtp; " + diagnostic + "\r\n")));
}

TEST(BounceDecision, FailedByStatus) {
    EXPECT_EQ(failed("5.1.1").kind, Kind::Hard);
    EXPECT_EQ(failed("5.1.10").kind, Kind::Hard);
    EXPECT_EQ(failed("5.4.4").kind, Kind::Hard);  // no route to the domain
    EXPECT_EQ(failed("5.2.1").kind, Kind::Hard);
    EXPECT_EQ(failed("4.4.1").kind, Kind::Soft);
    EXPECT_EQ(failed("5.2.2").kind, Kind::Soft);  // mailbox full
    EXPECT_EQ(failed("4.2.2").kind, Kind::Soft);
    EXPECT_EQ(failed("5.3.4").kind, Kind::Soft);  // too big
    EXPECT_EQ(failed("5.4.7").kind, Kind::Soft);  // expired
    EXPECT_EQ(failed("5.6.0").kind, Kind::Soft);  // content
    EXPECT_EQ(failed("5.7.1").kind, Kind::Soft);  // policy
    EXPECT_EQ(failed("5.7.26").kind, Kind::Soft);
    const auto r = failed("5.1.1", "550 5.1.1 <x@example.org>: user unknown");
    EXPECT_EQ(r.recipient, "x@example.org");
    EXPECT_EQ(r.diagnostic, "550 5.1.1 <x@example.org>: user unknown");
    EXPECT_NE(r.reason.find("5.1.1"), std::string::npos) << r.reason;
}

TEST(BounceDecision, GenericStatusIsRefinedOrReadFromTheWords) {
    EXPECT_EQ(failed("5.0.0", "550 5.1.1 no such user").status, "5.1.1");
    EXPECT_EQ(failed("5.0.0", "550 5.1.1 no such user").kind, Kind::Hard);
    EXPECT_EQ(failed("5.0.0", "552 5.2.2 over quota").kind, Kind::Soft);
    EXPECT_EQ(failed("5.0.0", "4.2.0 something").status, "5.0.0");  // another class: ignored
    EXPECT_EQ(failed("5.0.0", "550 Mailbox is full").kind, Kind::Soft);
    EXPECT_EQ(failed("5.0.0", "550 Message blocked as spam").kind, Kind::Soft);
    EXPECT_EQ(failed("5.0.0", "550 rejected").kind, Kind::Hard);
    EXPECT_EQ(failed("5.0.0").kind, Kind::Hard);
    EXPECT_EQ(failed("5.0.0 (permanent failure)").status, "5.0.0");
}

TEST(BounceDecision, ActionsOtherThanFailed) {
    const auto delayed = classify_bounce(
        dsn("Final-Recipient: rfc822; x@example.org\r\nAction: delayed\r\nStatus: 4.4.7\r\n"));
    EXPECT_EQ(delayed.kind, Kind::Soft);
    EXPECT_EQ(delayed.status, "4.4.7");
    for (const char* action : {"delivered", "relayed", "expanded"}) {
        const auto r = classify_bounce(dsn("Final-Recipient: rfc822; x@example.org\r\nAction: " +
                                           std::string(action) + "\r\nStatus: 2.0.0\r\n"));
        EXPECT_EQ(r.kind, Kind::NotABounce) << action;
        EXPECT_NE(r.reason.find(action), std::string::npos) << r.reason;
    }
    // No Action: the Status class says it.
    EXPECT_EQ(
        classify_bounce(dsn("Final-Recipient: rfc822; x@example.org\r\nStatus: 5.1.1\r\n")).kind,
        Kind::Hard);
}

TEST(BounceDecision, RecipientPreferenceAndSelection) {
    const auto r = classify_bounce(
        dsn("Final-Recipient: rfc822; a@example.org\r\nAction: delayed\r\nStatus: 4.0.0\r\n\r\n"
            "Final-Recipient: rfc822; rewritten@mx.example.org\r\n"
            "Original-Recipient: rfc822; B@Example.ORG\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
            "Final-Recipient: rfc822; c@example.org\r\nAction: failed\r\nStatus: 5.2.2\r\n"));
    EXPECT_EQ(r.kind, Kind::Hard);
    EXPECT_EQ(r.recipient, "B@example.org");
    EXPECT_NE(r.reason.find("first of 2 failed"), std::string::npos) << r.reason;
}

TEST(BounceKinds, ComplaintVariants) {
    const auto arf = [](const std::string& type) {
        return classify_bounce(
            "From: fbl@isp.example\r\nTo: bounce+1-abcdefabcdef@cis.test\r\nSubject: report\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: multipart/report; report-type=feedback-report; boundary=x\r\n\r\n"
            "--x\r\nContent-Type: text/plain\r\n\r\nA complaint.\r\n"
            "--x\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: " +
            type + "\r\nVersion: 1\r\nOriginal-Rcpt-To: <u@example.org>\r\n\r\n--x--\r\n");
    };
    for (const char* type : {"abuse", "fraud", "other", "virus"})
        EXPECT_EQ(arf(type).kind, Kind::Complaint) << type;
    EXPECT_EQ(arf("abuse").recipient, "u@example.org");
    EXPECT_EQ(arf("not-spam").kind, Kind::NotABounce);
    EXPECT_EQ(arf("auth-failure").kind, Kind::NotABounce);
}

TEST(BounceKinds, ReadReceiptsAndPlainMailAreNotBounces) {
    const auto mdn = classify_bounce(
        "From: someone@example.org\r\nTo: bounce+1-abcdefabcdef@cis.test\r\nSubject: Read: x\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/report; "
        "report-type=disposition-notification; boundary=m\r\n\r\n"
        "--m\r\nContent-Type: text/plain\r\n\r\nYour message was displayed.\r\n"
        "--m\r\nContent-Type: message/disposition-notification\r\n\r\n"
        "Final-Recipient: rfc822; someone@example.org\r\n"
        "Disposition: manual-action/MDN-sent-manually; displayed\r\n\r\n--m--\r\n");
    EXPECT_EQ(mdn.kind, Kind::NotABounce);
    EXPECT_NE(mdn.reason.find("read receipt"), std::string::npos) << mdn.reason;
    // A human who writes "could not be delivered" is not a mail server.
    const auto human = classify_bounce(
        "From: Ann <ann@example.org>\r\nTo: bounce+1-abcdefabcdef@cis.test\r\n"
        "Subject: Re: Invitation\r\n\r\nYour last invitation could not be delivered to one "
        "or more of my colleagues, I think.\r\n");
    EXPECT_EQ(human.kind, Kind::NotABounce);
    for (const char* subject : {"Out of Office: Invitation", "Automatic reply: Invitation",
                                "AUTO: Ann is out", "Abwesenheitsnotiz: Einladung"}) {
        const auto r = classify_bounce(std::string("From: ann@example.org\r\nSubject: ") + subject +
                                       "\r\n\r\nBack on Monday.\r\n");
        EXPECT_EQ(r.kind, Kind::NotABounce) << subject;
        EXPECT_NE(r.reason.find("automatic reply"), std::string::npos) << r.reason;
    }
}

// --- hostile input -------------------------------------------------------------------

TEST(BounceHostile, GarbageNeverThrowsAndAlwaysExplains) {
    std::vector<std::string> inputs = {
        "",
        "\r\n",
        std::string(1, '\0'),
        std::string("\0\0\0From: x\0\r\n\r\n", 15),
        "From: MAILER-DAEMON@x.example\r\nSubject: Undelivered Mail\r\n",  // headers only
        "Content-Type: multipart/report; report-type=delivery-status; boundary=z\r\n\r\n--z\r\n"
        "Content-Type: message/delivery-status\r\n\r\nAction: failed\r\nStatus: 5.1",
        "Content-Type: message/delivery-status\r\n\r\n:\r\n \r\n\t:\r\nAction:\r\nStatus: 5.",
        "Content-Type: text/plain\r\n\r\n<@>:\r\n@@@ 5.5.5.5.5 555-'5.7. #5..1 <a@.>:\r\n",
        std::string(100000, '@'),
        std::string(100000, '\n'),
    };
    std::string nested = "Content-Type: multipart/mixed; boundary=a\r\n\r\n";
    for (int i = 0; i < 2000; ++i)
        nested += "--a\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n";
    inputs.push_back(nested);
    std::mt19937 rng(20300514);
    for (int n = 0; n < 200; ++n) {
        std::string bytes(rng() % 4096, '\0');
        for (char& c : bytes) c = static_cast<char>(rng());
        inputs.push_back(bytes);
    }
    // Real bounces cut short at every 97th byte.
    if (!test::corpus_dir().empty())
        for (const auto& path : test::files_in(test::corpus_dir() / "bounces")) {
            const std::string raw = test::read_file(path);
            for (std::size_t cut = 0; cut < raw.size(); cut += 97)
                inputs.push_back(raw.substr(0, cut));
        }
    for (const std::string& in : inputs) {
        BounceReport r;
        ASSERT_NO_THROW(r = classify_bounce(in));
        expect_well_formed(r);
    }
    EXPECT_EQ(classify_bounce("").kind, Kind::NotABounce);
}

// --- the lexical helpers -------------------------------------------------------------

TEST(BounceLexical, EnhancedCodes) {
    using bounce_detail::enhanced_code;
    EXPECT_EQ(enhanced_code("550 5.1.1 user unknown"), "5.1.1");
    EXPECT_EQ(enhanced_code("5.1.0 - Unknown address error 550-'5.7.1 <a@b.c>... Access denied"),
              "5.7.1");
    EXPECT_EQ(enhanced_code("ERROR_CODE :5.1.1 <a@b.c>"), "5.1.1");
    EXPECT_EQ(enhanced_code("(#5.5.0)"), "5.5.0");
    EXPECT_EQ(enhanced_code("5.1.351 Remote server"), "5.1.351");
    EXPECT_EQ(enhanced_code("host 192.0.2.5 [5.1.1.1] v2.4.7"), "");  // addresses, versions
    EXPECT_EQ(enhanced_code("end of 5.1.1."), "5.1.1");
    EXPECT_EQ(enhanced_code("4.4.1 then 550 5.2.2", '5'), "5.2.2");
    EXPECT_TRUE(bounce_detail::is_enhanced_code("2.0.0"));
    EXPECT_FALSE(bounce_detail::is_enhanced_code("5.1.1x"));
    EXPECT_FALSE(bounce_detail::is_enhanced_code("3.1.1"));
    EXPECT_EQ(bounce_detail::smtp_code("remote host 192.0.2.32 said: 550 Unknown user"), 550);
    EXPECT_EQ(bounce_detail::smtp_code("at 2014 10:00 on port 10024"), 0);
}

TEST(BounceLexical, AddressesAndFields) {
    using bounce_detail::first_address;
    EXPECT_EQ(first_address("Neko<mailto:mikeneko@Example.CO.JP>"), "mikeneko@example.co.jp");
    EXPECT_EQ(first_address("'peter@example.com' on 14/05"), "peter@example.com");
    EXPECT_EQ(first_address("<a@b>: no dot, then x@y.z."), "x@y.z");
    EXPECT_EQ(bounce_detail::address_of_field("rfc822;/mail/spool/x"), "");
    EXPECT_EQ(bounce_detail::address_of_field("RFC822; <Ann@Example.org>"), "Ann@example.org");
    EXPECT_EQ(bounce_detail::bare_id(" <id@host> "), "id@host");
    const auto blocks = bounce_detail::parse_field_blocks(
        "Reporting-MTA: dns; x\r\n\r\n\r\nAction: failed\r\nDiagnostic-Code: smtp; 550\r\n"
        "    more\r\nnot a field\r\n\r\n");
    ASSERT_EQ(blocks.size(), 2u);
    EXPECT_EQ(bounce_detail::field(blocks[1], "action"), "failed");
    EXPECT_EQ(bounce_detail::field(blocks[1], "diagnostic-code"), "smtp; 550 more");
}

}  // namespace
}  // namespace cis::mail
