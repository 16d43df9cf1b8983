// Specification of the report (service/report.h): how GitHub's JSON pages are read into it and
// the exact bytes delivered to the webhook.
#include "report.h"
#include "testprinters.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using hookme::Report;
using hookme::ReportContributor;
using hookme::ReportIssue;

namespace {

QJsonArray parseArray(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !document.isArray())
        qFatal("test data is not a JSON array: %s", qPrintable(error.errorString()));
    return document.array();
}

// A page of GitHub's listing, reduced and appended as the collector does it.
void appendIssuesPage(const QJsonArray &page, QList<ReportIssue> *issues)
{
    const std::optional<QByteArray> reduced =
            hookme::reduceIssuesPage(QJsonDocument(page).toJson());
    QVERIFY(reduced.has_value());
    hookme::appendIssues(*reduced, issues);
}

void appendContributorsPage(const QJsonArray &page, QList<ReportContributor> *contributors,
                            bool includeAnonymous = false)
{
    const std::optional<QByteArray> reduced =
            hookme::reduceContributorsPage(QJsonDocument(page).toJson(), includeAnonymous);
    QVERIFY(reduced.has_value());
    hookme::appendContributors(*reduced, contributors);
}

} // namespace

class TestReport : public QObject
{
    Q_OBJECT

private slots:
    void issuesFromGitHub();
    void pullRequestsAreLeftOut();
    void missingOrOddFieldsOfAnIssue();
    void issuesAppendAcrossPages();
    void contributorsFromGitHub();
    void emptyReport();
    void exactBytes();
    void stringEscaping_data();
    void stringEscaping();
    void outputParsesAndRoundTrips();
};

void TestReport::issuesFromGitHub()
{
    const QJsonArray page = parseArray(R"([
        {"number": 1, "title": "Crash on start", "user": {"login": "octocat", "id": 1},
         "labels": [{"id": 7, "name": "bug", "color": "f29513"}, {"name": "p1"}]},
        {"number": 2, "title": "Docs", "user": null, "labels": ["documentation", "good first"]},
        {"number": 3, "title": "No labels", "user": {"login": "hubot"}, "labels": []}
    ])");

    QList<ReportIssue> issues;
    appendIssuesPage(page, &issues);
    QCOMPARE(issues.size(), 3);

    QCOMPARE(issues.at(0).title, u"Crash on start"_s);
    QCOMPARE(issues.at(0).author, std::optional<QString>(u"octocat"_s));
    QCOMPARE(issues.at(0).labels, (QStringList { u"bug"_s, u"p1"_s }));

    QCOMPARE(issues.at(1).title, u"Docs"_s);
    QVERIFY(!issues.at(1).author.has_value());
    QCOMPARE(issues.at(1).labels, (QStringList { u"documentation"_s, u"good first"_s }));

    QCOMPARE(issues.at(2).title, u"No labels"_s);
    QCOMPARE(issues.at(2).author, std::optional<QString>(u"hubot"_s));
    QCOMPARE(issues.at(2).labels, QStringList());
}

void TestReport::pullRequestsAreLeftOut()
{
    const QJsonArray page = parseArray(R"([
        {"title": "A pull request", "user": {"login": "a"}, "labels": [],
         "pull_request": {"url": "https://api.github.com/repos/o/r/pulls/1"}},
        {"title": "An issue", "user": {"login": "b"}, "labels": []},
        {"title": "A pull request whose key is null", "user": {"login": "c"}, "labels": [],
         "pull_request": null}
    ])");

    QList<ReportIssue> issues;
    appendIssuesPage(page, &issues);
    QCOMPARE(issues.size(), 1);
    QCOMPARE(issues.at(0).title, u"An issue"_s);
    QCOMPARE(issues.at(0).author, std::optional<QString>(u"b"_s));
}

void TestReport::missingOrOddFieldsOfAnIssue()
{
    const QJsonArray page = parseArray(R"([
        {"title": "no user key"},
        {"title": "user without login", "user": {"id": 5}},
        {"title": "login not a string", "user": {"login": 42}}
    ])");

    QList<ReportIssue> issues;
    appendIssuesPage(page, &issues);
    QCOMPARE(issues.size(), 3);
    for (const ReportIssue &issue : std::as_const(issues)) {
        QVERIFY2(!issue.author.has_value(), qPrintable(issue.title));
        QCOMPARE(issue.labels, QStringList());
    }
}

void TestReport::issuesAppendAcrossPages()
{
    QList<ReportIssue> issues;
    appendIssuesPage(parseArray(R"([{"title": "one", "user": null, "labels": []}])"),
                         &issues);
    appendIssuesPage(parseArray(R"([{"title": "two", "user": null, "labels": []}])"),
                         &issues);
    QCOMPARE(issues.size(), 2);
    QCOMPARE(issues.at(0).title, u"one"_s);
    QCOMPARE(issues.at(1).title, u"two"_s);
}

void TestReport::contributorsFromGitHub()
{
    const QJsonArray page = parseArray(R"([
        {"login": "octocat", "id": 1, "type": "User", "contributions": 32},
        {"email": "someone@example.com", "name": "Someone", "type": "Anonymous",
         "contributions": 5},
        {"login": "", "contributions": 2},
        {"login": "hubot", "type": "Bot", "contributions": 4294967296}
    ])");

    QList<ReportContributor> contributors;
    appendContributorsPage(page, &contributors);
    QCOMPARE(contributors.size(), 2);

    QCOMPARE(contributors.at(0).login.value_or(QString()), u"octocat"_s);
    QCOMPARE(contributors.at(0).commits, 32);
    QVERIFY(!contributors.at(0).name.has_value());  // filled in later

    QCOMPARE(contributors.at(1).login.value_or(QString()), u"hubot"_s);
    QCOMPARE(contributors.at(1).commits, Q_INT64_C(4294967296));
    QVERIFY(!contributors.at(1).name.has_value());

    // With CONTRIBUTORS_ANON, anonymous entries stay, with GitHub's name and no login.
    QList<ReportContributor> withAnonymous;
    appendContributorsPage(page, &withAnonymous, true);
    QCOMPARE(withAnonymous.size(), 4);
    QVERIFY(!withAnonymous.at(1).login.has_value());
    QCOMPARE(withAnonymous.at(1).name.value_or(QString()), u"Someone"_s);
    QCOMPARE(withAnonymous.at(1).commits, 5);
    QVERIFY(!withAnonymous.at(2).login.has_value());
    QVERIFY(!withAnonymous.at(2).name.has_value());
}

void TestReport::emptyReport()
{
    Report report;
    report.user = u"octocat"_s;
    report.repository = u"empty"_s;
    QCOMPARE(report.toJson(),
             QByteArray(R"({"user":"octocat","repository":"empty",)"
                        R"("issues":[],"contributors":[]})"));
}

void TestReport::exactBytes()
{
    Report report;
    report.user = u"Octo-Org"_s;
    report.repository = u"hello-world"_s;
    report.issues = {
        { u"Crash on start"_s, u"octocat"_s, { u"bug"_s, u"p1"_s } },
        { u"caf\u00e9 \u2615 \U0001F680"_s, std::nullopt, {} },
        { u"say \"hi\" \\ path\nnext\tline"_s, u"hubot"_s, { u"needs \"triage\""_s } },
    };
    report.contributors = {
        { u"The Octocat"_s, u"octocat"_s, 32 },
        { std::nullopt, u"hubot"_s, 0 },
    };

    const QByteArray expected =
            R"({"user":"Octo-Org","repository":"hello-world","issues":[)"
            R"({"title":"Crash on start","author":"octocat","labels":["bug","p1"]},)"
            "{\"title\":\"caf\xc3\xa9 \xe2\x98\x95 \xf0\x9f\x9a\x80\",\"author\":null,"
            "\"labels\":[]},"
            R"({"title":"say \"hi\" \\ path\nnext\tline","author":"hubot",)"
            R"("labels":["needs \"triage\""]}],)"
            R"("contributors":[{"name":"The Octocat","user":"octocat","qtd_commits":32},)"
            R"({"name":null,"user":"hubot","qtd_commits":0}]})";
    QCOMPARE(report.toJson(), expected);
}

void TestReport::stringEscaping_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QByteArray>("json");  // the escaped string, quotes included

    QTest::newRow("plain") << u"abc"_s << QByteArray(R"("abc")");
    QTest::newRow("empty") << QString() << QByteArray(R"("")");
    QTest::newRow("quote") << u"a\"b"_s << QByteArray(R"("a\"b")");
    QTest::newRow("backslash") << u"a\\b"_s << QByteArray(R"("a\\b")");
    QTest::newRow("newline") << u"a\nb"_s << QByteArray(R"("a\nb")");
    QTest::newRow("carriage return") << u"a\rb"_s << QByteArray(R"("a\rb")");
    QTest::newRow("tab") << u"a\tb"_s << QByteArray(R"("a\tb")");
    QTest::newRow("NUL") << QStringView(u"a\0b", 3).toString() << QByteArray(R"("a\u0000b")");
    QTest::newRow("backspace") << u"a\bb"_s << QByteArray(R"("a\u0008b")");
    QTest::newRow("form feed") << u"a\fb"_s << QByteArray(R"("a\u000cb")");
    QTest::newRow("escape") << u"a\x1b[0m"_s << QByteArray(R"("a\u001b[0m")");
    QTest::newRow("unit separator") << u"\x1f"_s << QByteArray(R"("\u001f")");
    QTest::newRow("slash is not escaped") << u"a/b"_s << QByteArray(R"("a/b")");
    QTest::newRow("DEL passes through") << u"a\x7f"_s << QByteArray("\"a\x7f\"");
    QTest::newRow("two-byte UTF-8") << u"caf\u00e9"_s << QByteArray("\"caf\xc3\xa9\"");
    QTest::newRow("three-byte UTF-8") << u"\u2615"_s << QByteArray("\"\xe2\x98\x95\"");
    QTest::newRow("four-byte UTF-8") << u"\U0001F680"_s << QByteArray("\"\xf0\x9f\x9a\x80\"");
    QTest::newRow("line separator") << u"\u2028"_s << QByteArray("\"\xe2\x80\xa8\"");
}

void TestReport::stringEscaping()
{
    QFETCH(QString, text);
    QFETCH(QByteArray, json);

    // The same escaping applies wherever a string is written; check each place.
    Report report;
    report.user = text;
    report.repository = text;
    report.issues = { { text, text, { text } } };
    report.contributors = { { text, text, 1 } };

    const QByteArray expected = "{\"user\":" + json + ",\"repository\":" + json
            + ",\"issues\":[{\"title\":" + json + ",\"author\":" + json + ",\"labels\":[" + json
            + "]}],\"contributors\":[{\"name\":" + json + ",\"user\":" + json
            + ",\"qtd_commits\":1}]}";
    QCOMPARE(report.toJson(), expected);
}

void TestReport::outputParsesAndRoundTrips()
{
    QString everyControlCharacter;
    for (char16_t c = 0; c < 0x20; ++c)
        everyControlCharacter.append(QChar(c));

    Report report;
    report.user = u"caf\u00e9 \u2615 \U0001F680"_s;
    report.repository = u"repo \"quoted\" \\ back"_s;
    report.issues = {
        { everyControlCharacter, std::nullopt, { u"\u00fcber"_s, u"line\nbreak"_s } },
        { u"second"_s, u"octocat"_s, {} },
    };
    report.contributors = {
        { u"J\u00f6rg \U0001F600"_s, u"joerg"_s, 12 },
        { std::nullopt, u"anon"_s, 9'007'199'254'740'993 },  // beyond a double's precision
    };

    const QByteArray json = report.toJson();
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QVERIFY(document.isObject());

    const QJsonObject root = document.object();
    QCOMPARE(root.keys(),
             (QStringList { u"contributors"_s, u"issues"_s, u"repository"_s, u"user"_s }));
    QCOMPARE(root[u"user"_s].toString(), report.user);
    QCOMPARE(root[u"repository"_s].toString(), report.repository);

    const QJsonArray issues = root[u"issues"_s].toArray();
    QCOMPARE(issues.size(), 2);
    QCOMPARE(issues[0][u"title"_s].toString(), everyControlCharacter);
    QVERIFY(issues[0][u"author"_s].isNull());
    QCOMPARE(issues[0][u"labels"_s].toArray(),
             QJsonArray({ u"\u00fcber"_s, u"line\nbreak"_s }));
    QCOMPARE(issues[1][u"title"_s].toString(), u"second"_s);
    QCOMPARE(issues[1][u"author"_s].toString(), u"octocat"_s);
    QCOMPARE(issues[1][u"labels"_s].toArray(), QJsonArray());

    const QJsonArray contributors = root[u"contributors"_s].toArray();
    QCOMPARE(contributors.size(), 2);
    QCOMPARE(contributors[0][u"name"_s].toString(), u"J\u00f6rg \U0001F600"_s);
    QCOMPARE(contributors[0][u"user"_s].toString(), u"joerg"_s);
    QCOMPARE(contributors[0][u"qtd_commits"_s].toInteger(), 12);
    QVERIFY(contributors[1][u"name"_s].isNull());
    QCOMPARE(contributors[1][u"user"_s].toString(), u"anon"_s);
    // The writer prints the exact integer, even where a double would round it.
    QVERIFY(json.contains(",\"qtd_commits\":9007199254740993}"));
}

QTEST_GUILESS_MAIN(TestReport)
#include "tst_report.moc"
