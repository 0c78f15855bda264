// Pure parts of the SMTP server: command parsing, reply rendering, line framing, DATA decoding.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "smtp/command.hpp"
#include "smtp/data_decoder.hpp"
#include "smtp/line_buffer.hpp"
#include "smtp/reply.hpp"

namespace cis::smtp {
namespace {

TEST(SmtpParseCommand, VerbsAreCaseInsensitive) {
    EXPECT_EQ(parse_command("ehlo client.example").verb, Verb::kEhlo);
    EXPECT_EQ(parse_command("HeLo x").verb, Verb::kHelo);
    EXPECT_EQ(parse_command("StartTLS").verb, Verb::kStartTls);
    EXPECT_EQ(parse_command("quit").verb, Verb::kQuit);
    EXPECT_EQ(parse_command("data").verb, Verb::kData);
    EXPECT_EQ(parse_command("NOOPX").verb, Verb::kUnknown);
    EXPECT_EQ(parse_command("").verb, Verb::kUnknown);
    EXPECT_EQ(parse_command("GET / HTTP/1.1").verb, Verb::kUnknown);
}

TEST(SmtpParseCommand, Helo) {
    Command c = parse_command("EHLO  mx.example.org  junk");
    EXPECT_TRUE(c.error.empty());
    EXPECT_EQ(c.argument, "mx.example.org");
    EXPECT_FALSE(parse_command("EHLO").error.empty());
    EXPECT_FALSE(parse_command("HELO   ").error.empty());
    EXPECT_EQ(parse_command("EHLO [192.0.2.1]").argument, "[192.0.2.1]");
}

TEST(SmtpParseCommand, MailFrom) {
    Command c = parse_command("MAIL FROM:<alice@example.org> SIZE=1234 body=8bitmime SMTPUTF8");
    ASSERT_TRUE(c.error.empty()) << c.error;
    EXPECT_EQ(c.verb, Verb::kMail);
    EXPECT_EQ(c.path, "alice@example.org");
    ASSERT_EQ(c.params.size(), 3u);
    EXPECT_EQ(c.params[0].keyword, "SIZE");
    EXPECT_EQ(c.params[0].value, "1234");
    EXPECT_EQ(c.params[1].keyword, "BODY");
    EXPECT_EQ(c.params[1].value, "8bitmime");
    EXPECT_EQ(c.params[2].keyword, "SMTPUTF8");
    EXPECT_EQ(c.params[2].value, "");
}

TEST(SmtpParseCommand, MailFromVariants) {
    EXPECT_EQ(parse_command("mail from:<>").path, "");
    EXPECT_TRUE(parse_command("mail from:<>").error.empty());
    EXPECT_EQ(parse_command("MAIL FROM: <a@b.c>").path, "a@b.c");      // common sloppiness
    EXPECT_EQ(parse_command("MAIL FROM:a@b.c SIZE=1").path, "a@b.c");  // no brackets
    EXPECT_EQ(parse_command("MAIL FROM:<@relay.example,@r2.example:a@b.c>").path, "a@b.c");
    EXPECT_EQ(parse_command("MAIL FROM:<\"john doe>\"@b.c>").path, "\"john doe>\"@b.c");
    EXPECT_EQ(parse_command("MAIL FROM:<jörg@bücher.example>").path, "jörg@bücher.example");
    EXPECT_EQ(parse_command("MAIL FROM:<a@[192.0.2.1]>").path, "a@[192.0.2.1]");
}

TEST(SmtpParseCommand, MailFromErrors) {
    for (const char* bad : {"MAIL", "MAIL FROM", "MAIL TO:<a@b>", "MAIL FROM:<a@b", "MAIL FROM:<a>",
                            "MAIL FROM:<a@b>x", "MAIL FROM:<a b@c>", "MAIL FROM:<@x:>",
                            "MAIL FROM:<a@b> =1", "MAIL FROM:<a@b> SIZE=", "MAIL FROM:<a@b\x01>",
                            "MAIL FROM:<\"unterminated@b>", "MAIL FROM:<a@b> -X=1"}) {
        Command c = parse_command(bad);
        EXPECT_EQ(c.verb, Verb::kMail) << bad;
        EXPECT_FALSE(c.error.empty()) << bad;
    }
}

TEST(SmtpParseCommand, RcptTo) {
    Command c = parse_command("RCPT TO:<Bob@Example.COM>");
    EXPECT_TRUE(c.error.empty());
    EXPECT_EQ(c.path, "Bob@Example.COM");  // as given
    EXPECT_EQ(parse_command("RCPT TO:<Postmaster>").path, "Postmaster");
    EXPECT_FALSE(parse_command("RCPT TO:<>").error.empty());
    EXPECT_FALSE(parse_command("RCPT TO:<bob>").error.empty());
    EXPECT_FALSE(parse_command("RCPT FROM:<a@b>").error.empty());
}

TEST(SmtpParseCommand, ArgumentRules) {
    EXPECT_TRUE(parse_command("DATA").error.empty());
    EXPECT_FALSE(parse_command("DATA now").error.empty());
    EXPECT_FALSE(parse_command("RSET x").error.empty());
    EXPECT_FALSE(parse_command("STARTTLS x").error.empty());
    EXPECT_TRUE(parse_command("NOOP anything").error.empty());
    EXPECT_FALSE(parse_command("VRFY").error.empty());
    EXPECT_EQ(parse_command("VRFY bob").argument, "bob");
    EXPECT_FALSE(parse_command(std::string("NOOP a\0b", 8)).error.empty());
}

TEST(SmtpParseCommand, SizeAndAscii) {
    EXPECT_EQ(parse_size("0"), 0u);
    EXPECT_EQ(parse_size("26214400"), 26214400u);
    EXPECT_FALSE(parse_size(""));
    EXPECT_FALSE(parse_size("12a"));
    EXPECT_FALSE(parse_size("-1"));
    EXPECT_FALSE(parse_size("99999999999999999999999"));
    EXPECT_TRUE(is_ascii("abc@def"));
    EXPECT_FALSE(is_ascii("jörg"));
}

TEST(SmtpParseCommand, RandomInputNeverThrows) {
    std::mt19937 rng(42);
    for (int i = 0; i < 20000; ++i) {
        std::string s(rng() % 80, '\0');
        for (char& c : s) c = static_cast<char>(rng());
        if (i % 3 == 0) s = "MAIL FROM:<" + s;
        if (i % 3 == 1) s = "RCPT TO:" + s;
        EXPECT_NO_THROW(parse_command(s));
    }
}

TEST(SmtpReply, Format) {
    EXPECT_EQ(format_reply({250, "2.0.0", "OK"}), "250 2.0.0 OK\r\n");
    EXPECT_EQ(format_reply({250, "", "a\nb\nc"}, false), "250-a\r\n250-b\r\n250 c\r\n");
    EXPECT_EQ(format_reply({220, "2.0.0", "hi"}, false), "220 hi\r\n");
}

TEST(SmtpReply, Sanitize) {
    EXPECT_EQ(sanitize_reply({250, "", ""}).enhanced, "2.0.0");
    EXPECT_EQ(sanitize_reply({250, "", ""}).text, "OK");
    EXPECT_EQ(sanitize_reply({550, "2.1.1", "x"}).enhanced, "5.0.0");  // class mismatch
    EXPECT_EQ(sanitize_reply({550, "5.1.1", "x"}).enhanced, "5.1.1");
    EXPECT_EQ(sanitize_reply({550, "5.1.1234", "x"}).enhanced, "5.0.0");
    EXPECT_EQ(sanitize_reply({99, "", "x"}).code, 451);
    EXPECT_EQ(sanitize_reply({250, "2.0.0", std::string("a\rb\0c", 5)}).text, "abc");
}

TEST(SmtpLineBuffer, SplitsCrlfAndBareLf) {
    LineBuffer b(100);
    b.append("one\r\ntwo\nthr");
    auto l = b.next();
    ASSERT_TRUE(l);
    EXPECT_EQ(l->text, "one");
    EXPECT_TRUE(l->crlf);
    l = b.next();
    ASSERT_TRUE(l);
    EXPECT_EQ(l->text, "two");
    EXPECT_FALSE(l->crlf);
    EXPECT_FALSE(b.next());
    b.append("ee\r");
    EXPECT_FALSE(b.next());
    b.append("\n");
    l = b.next();
    ASSERT_TRUE(l);
    EXPECT_EQ(l->text, "three");
    EXPECT_TRUE(l->crlf);
}

TEST(SmtpLineBuffer, OverlongLineIsBoundedAndReportedOnce) {
    LineBuffer b(10);
    b.append("0123456789\r\n");  // exactly at the cap: fine
    EXPECT_EQ(b.next()->text, "0123456789");
    for (int i = 0; i < 1000; ++i) {
        b.append(std::string(1000, 'x'));
        EXPECT_FALSE(b.next());
        EXPECT_LE(b.buffered(), 11u);
    }
    b.append("\r");
    EXPECT_FALSE(b.next());
    b.append("\nok\r\n");
    auto l = b.next();
    ASSERT_TRUE(l);
    EXPECT_TRUE(l->too_long);
    EXPECT_TRUE(l->crlf);
    EXPECT_EQ(b.next()->text, "ok");
}

std::string decode(const std::string& wire, std::size_t max, DataDecoder* out = nullptr) {
    LineBuffer b(kMaxDataLine);
    b.append(wire);
    DataDecoder d(max);
    while (auto l = b.next()) {
        if (d.feed(*l)) {
            if (out) *out = d;
            return d.take();
        }
    }
    return "<no end>";
}

TEST(SmtpDataDecoder, DotUnstuffingAndEnd) {
    EXPECT_EQ(decode("a\r\n..b\r\n...\r\n.\r\n", 1000), "a\r\n.b\r\n..\r\n");
    EXPECT_EQ(decode(".\r\n", 1000), "");
    EXPECT_EQ(decode("x\r\n.\r\nNOOP\r\n", 1000), "x\r\n");
}

TEST(SmtpDataDecoder, BareLfStoredAsCrlfButNeverEndsData) {
    EXPECT_EQ(decode("a\nb\r\n.\r\n", 1000), "a\r\nb\r\n");
    // SMTP smuggling patterns are content, not terminators.
    EXPECT_EQ(decode("a\n.\nb\r\n.\r\n", 1000), "a\r\n\r\nb\r\n");
    EXPECT_EQ(decode("a\r\n.\nb\r\n.\r\n", 1000), "a\r\n\r\nb\r\n");
    EXPECT_EQ(decode("a\n.\r\nb\r\n.\r\n", 1000), "a\r\n\r\nb\r\n");
}

TEST(SmtpDataDecoder, Limits) {
    DataDecoder d(0);
    EXPECT_EQ(decode(std::string(20, 'x') + "\r\n.\r\n", 10, &d), "");
    EXPECT_TRUE(d.oversize());
    EXPECT_EQ(decode("12345678\r\n.\r\n", 10, &d), "12345678\r\n");  // exactly 10 bytes
    EXPECT_FALSE(d.oversize());
    EXPECT_EQ(decode(std::string(2000, 'x') + "\r\n.\r\n", 100000, &d), "");
    EXPECT_TRUE(d.line_too_long());
}

}  // namespace
}  // namespace cis::smtp
