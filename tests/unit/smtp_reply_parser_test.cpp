// The relay client's reply parser and EHLO reading: multi-line replies, split reads, and the
// garbage an untrusted server may send.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "smtp/client_capabilities.hpp"
#include "smtp/client_reply.hpp"

namespace cis::smtp {
namespace {

ServerReply parse_one(const std::string& bytes) {
    ReplyParser p;
    p.feed(bytes);
    std::optional<ServerReply> r = p.next();
    EXPECT_TRUE(r.has_value()) << p.error();
    return r.value_or(ServerReply{});
}

std::string error_of(const std::string& bytes) {
    ReplyParser p;
    p.feed(bytes);
    EXPECT_FALSE(p.next().has_value());
    EXPECT_TRUE(p.malformed()) << bytes;
    return p.error();
}

TEST(SmtpReplyParser, SingleLineWithEnhancedCode) {
    const ServerReply r = parse_one("550 5.1.1 <bob@example.com>: Recipient address rejected\r\n");
    EXPECT_EQ(r.code, 550);
    EXPECT_EQ(r.klass(), 5);
    EXPECT_EQ(r.enhanced, "5.1.1");
    EXPECT_EQ(r.text(), "<bob@example.com>: Recipient address rejected");
}

TEST(SmtpReplyParser, EnhancedCodeMustMatchTheClass) {
    EXPECT_EQ(parse_one("250 2.0.0 Ok\r\n").enhanced, "2.0.0");
    EXPECT_EQ(parse_one("250 5.0.0 odd\r\n").enhanced, "");
    EXPECT_EQ(parse_one("451 4.3.0\r\n").enhanced, "4.3.0");
    EXPECT_EQ(parse_one("451 4.3.0\r\n").text(), "");
    EXPECT_EQ(parse_one("250 2.1.0x Ok\r\n").enhanced, "");
    EXPECT_EQ(parse_one("250 2.1234.0 Ok\r\n").enhanced, "");
    EXPECT_EQ(parse_one("250 2.1.0 Ok\r\n").text(), "Ok");
}

TEST(SmtpReplyParser, BareCodeAndBareLf) {
    const ServerReply r = parse_one("354\n");
    EXPECT_EQ(r.code, 354);
    EXPECT_TRUE(r.enhanced.empty());
    ASSERT_EQ(r.lines.size(), 1u);
    EXPECT_EQ(r.lines[0], "");
}

TEST(SmtpReplyParser, MultiLineReply) {
    const ServerReply r = parse_one(
        "250-mx.example.org Hello\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 8BITMIME\r\n");
    EXPECT_EQ(r.code, 250);
    ASSERT_EQ(r.lines.size(), 4u);
    EXPECT_EQ(r.lines[0], "mx.example.org Hello");
    EXPECT_EQ(r.lines[3], "8BITMIME");
    EXPECT_EQ(r.text(), "mx.example.org Hello\nPIPELINING\nSIZE 10240000\n8BITMIME");
}

TEST(SmtpReplyParser, MultiLineEnhancedCodesStrippedFromEveryLine) {
    const ServerReply r = parse_one("550-5.7.1 first\r\n550-5.7.1 second\r\n550 5.7.1 third\r\n");
    EXPECT_EQ(r.enhanced, "5.7.1");
    EXPECT_EQ(r.text(), "first\nsecond\nthird");
}

TEST(SmtpReplyParser, ByteByByteAndSeveralRepliesInOneRead) {
    const std::string stream = "250 2.1.0 Ok\r\n250-2.1.5 a\r\n250 2.1.5 b\r\n354 go ahead\r\n";
    ReplyParser p;
    std::vector<ServerReply> got;
    for (char c : stream) {
        p.feed(std::string(1, c));
        while (std::optional<ServerReply> r = p.next()) got.push_back(*r);
    }
    ASSERT_FALSE(p.malformed()) << p.error();
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0].code, 250);
    EXPECT_EQ(got[1].text(), "a\nb");
    EXPECT_EQ(got[2].code, 354);
    EXPECT_EQ(got[2].text(), "go ahead");

    ReplyParser all;
    all.feed(stream);
    int n = 0;
    while (all.next()) ++n;
    EXPECT_EQ(n, 3);
    EXPECT_EQ(all.buffered(), 0u);
}

TEST(SmtpReplyParser, IncompleteReplyWaitsForMore) {
    ReplyParser p;
    p.feed("250-first\r\n250 sec");
    EXPECT_FALSE(p.next().has_value());
    EXPECT_FALSE(p.malformed());
    p.feed("ond\r\n");
    std::optional<ServerReply> r = p.next();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->text(), "first\nsecond");
}

TEST(SmtpReplyParser, MalformedInput) {
    EXPECT_NE(error_of("hello there\r\n").find("not an SMTP reply: \"hello there\""),
              std::string::npos);
    error_of("25\r\n");
    error_of("\r\n");
    error_of("2500 Ok\r\n");
    error_of("250Ok\r\n");
    error_of("099 too low\r\n");
    error_of("600 too high\r\n");
    error_of("abc def\r\n");
    error_of("HTTP/1.1 400 Bad Request\r\n");
    EXPECT_NE(error_of("250-a\r\n251 b\r\n").find("code changed"), std::string::npos);
    EXPECT_NE(error_of(std::string(5000, 'x') + "\r\n").find("longer than"), std::string::npos);
}

TEST(SmtpReplyParser, StaysMalformed) {
    ReplyParser p;
    p.feed("garbage\r\n250 Ok\r\n");
    EXPECT_FALSE(p.next());
    EXPECT_TRUE(p.malformed());
    EXPECT_FALSE(p.next());  // no resynchronising on a server that sent garbage
}

TEST(SmtpReplyParser, TooManyLines) {
    std::string s;
    for (std::size_t i = 0; i < ReplyParser::kMaxLines + 1; ++i) s += "250-x\r\n";
    s += "250 end\r\n";
    EXPECT_NE(error_of(s).find("lines"), std::string::npos);
}

TEST(SmtpReplyParser, OverlongLineWithoutNewlineIsBounded) {
    ReplyParser p;
    for (int i = 0; i < 1000; ++i) p.feed(std::string(1000, 'a'));
    EXPECT_FALSE(p.next());
    EXPECT_LE(p.buffered(), ReplyParser::kMaxLine + 1);
    p.feed("\r\n");
    EXPECT_FALSE(p.next());
    EXPECT_TRUE(p.malformed());
}

TEST(SmtpReplyParser, ControlAndEightBitBytesAreMadePrintable) {
    const ServerReply r = parse_one(std::string("550 5.1.1 bad\x01\x1b[31m caf\xc3\xa9\tx\r\n"));
    EXPECT_EQ(r.text(), "bad??[31m caf?? x");
    const ServerReply nul = parse_one(std::string("250 a\0b\r\n", 9));
    EXPECT_EQ(nul.text(), "a?b");
}

TEST(SmtpReplyParser, ClearDropsBufferedInput) {
    ReplyParser p;
    p.feed("220 go ahead\r\n250 injected\r\n");
    ASSERT_TRUE(p.next());
    p.clear();
    EXPECT_FALSE(p.next());
    EXPECT_FALSE(p.malformed());
}

TEST(SmtpReplyParser, RandomGarbageNeverCrashes) {
    std::mt19937 rng(42);
    for (int round = 0; round < 2000; ++round) {
        std::string s(rng() % 64, '\0');
        for (char& c : s) c = "25- 0.\r\nx\x80"[rng() % 11];
        ReplyParser p;
        p.feed(s);
        for (int i = 0; i < 64 && p.next(); ++i) {
        }
    }
}

TEST(SmtpClientEhlo, ReadsWhatTheClientUses) {
    ServerReply r = parse_one(
        "250-mx.example Hello\r\n250-pipelining\r\n250-SIZE 10240000\r\n250-8BITMIME\r\n"
        "250-SMTPUTF8\r\n250-STARTTLS\r\n250-AUTH LOGIN plain CRAM-MD5\r\n"
        "250-ENHANCEDSTATUSCODES\r\n250 DSN\r\n");
    const Capabilities c = parse_ehlo(r);
    EXPECT_TRUE(c.pipelining);
    EXPECT_TRUE(c.size_offered);
    EXPECT_EQ(c.max_size, 10240000u);
    EXPECT_TRUE(c.too_big(10240001));
    EXPECT_FALSE(c.too_big(10240000));
    EXPECT_TRUE(c.eight_bit);
    EXPECT_TRUE(c.smtputf8);
    EXPECT_TRUE(c.starttls);
    EXPECT_TRUE(c.auth_plain);
    EXPECT_TRUE(c.auth_login);
    EXPECT_EQ(c.auth_mechanisms, "LOGIN PLAIN CRAM-MD5");
}

TEST(SmtpClientEhlo, GreetingLineIsNotAKeywordAndOddFormsAreTolerated) {
    const Capabilities c =
        parse_ehlo(parse_one("250-PIPELINING\r\n250-AUTH=LOGIN\r\n250 SIZE\r\n"));
    EXPECT_FALSE(c.pipelining);  // the first line is the server's name, whatever it says
    EXPECT_TRUE(c.auth_login);
    EXPECT_FALSE(c.auth_plain);
    EXPECT_TRUE(c.size_offered);
    EXPECT_EQ(c.max_size, 0u);
    EXPECT_FALSE(c.too_big(1u << 30));  // SIZE without a value: no fixed limit

    const Capabilities bad = parse_ehlo(parse_one("250-x\r\n250 SIZE lots\r\n"));
    EXPECT_FALSE(bad.too_big(1u << 30));
    const Capabilities none = parse_ehlo(parse_one("250 mx.example\r\n"));
    EXPECT_FALSE(none.pipelining || none.eight_bit || none.starttls || none.size_offered);
}

}  // namespace
}  // namespace cis::smtp
