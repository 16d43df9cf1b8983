// Specification of the Link header reader (service/linkheader.h), which drives GitHub
// pagination: the rel="next" URL is followed exactly as GitHub gives it.
#include "linkheader.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QUrl base(u"https://api.github.com/repositories/1000/issues?per_page=3&page=1"_s);

// GitHub's header for the first page of a listing, byte for byte.
const QByteArray gitHubFirstPage =
        "<https://api.github.com/repositories/1000/issues?per_page=3&page=2>; rel=\"next\", "
        "<https://api.github.com/repositories/1000/issues?per_page=3&page=5>; rel=\"last\"";

// GitHub's header for a page in the middle of a listing.
const QByteArray gitHubMiddlePage =
        "<https://api.github.com/repositories/1000/issues?per_page=3&page=2>; rel=\"prev\", "
        "<https://api.github.com/repositories/1000/issues?per_page=3&page=4>; rel=\"next\", "
        "<https://api.github.com/repositories/1000/issues?per_page=3&page=5>; rel=\"last\", "
        "<https://api.github.com/repositories/1000/issues?per_page=3&page=1>; rel=\"first\"";

QString page(int number)
{
    return u"https://api.github.com/repositories/1000/issues?per_page=3&page=%1"_s.arg(number);
}

} // namespace

class TestLinkHeader : public QObject
{
    Q_OBJECT

private slots:
    void gitHubFirstPageParsed();
    void parametersAreNormalised();
    void malformedEntriesAreSkipped();
    void findLink_data();
    void findLink();
};

void TestLinkHeader::gitHubFirstPageParsed()
{
    const QList<hookme::Link> links = hookme::parseLinkHeader(gitHubFirstPage, base);
    QCOMPARE(links.size(), 2);

    QCOMPARE(links.at(0).target, QUrl(page(2)));
    QCOMPARE(links.at(0).parameters, (QMap<QString, QString> { { u"rel"_s, u"next"_s } }));
    QCOMPARE(links.at(0).relations(), QStringList { u"next"_s });

    QCOMPARE(links.at(1).target, QUrl(page(5)));
    QCOMPARE(links.at(1).parameters, (QMap<QString, QString> { { u"rel"_s, u"last"_s } }));
    QCOMPARE(links.at(1).relations(), QStringList { u"last"_s });
}

void TestLinkHeader::parametersAreNormalised()
{
    // Names are lower-cased, quoted values unquoted and unescaped, relations lower-cased and
    // split on whitespace; only the first occurrence of a parameter counts.
    const QByteArray header = "<https://a.example/1>; REL=\"Prev  NEXT\"; Title=\"say \\\"hi\\\", "
                              "then <go>\"; rel=\"last\"; hreflang=en";
    const QList<hookme::Link> links = hookme::parseLinkHeader(header, base);
    QCOMPARE(links.size(), 1);

    const QMap<QString, QString> expected { { u"rel"_s, u"Prev  NEXT"_s },
                                            { u"title"_s, u"say \"hi\", then <go>"_s },
                                            { u"hreflang"_s, u"en"_s } };
    QCOMPARE(links.at(0).parameters, expected);
    QCOMPARE(links.at(0).relations(), (QStringList { u"prev"_s, u"next"_s }));
    QCOMPARE(links.at(0).target, QUrl(u"https://a.example/1"_s));
}

void TestLinkHeader::malformedEntriesAreSkipped()
{
    const QByteArray header = "garbage, <https://a.example/2>; rel=\"next\", "
                              "<https://a.example/3> junk; rel=\"last\", "
                              "<https://a.example/4>; rel=\"first\"";
    const QList<hookme::Link> links = hookme::parseLinkHeader(header, base);
    QCOMPARE(links.size(), 2);
    QCOMPARE(links.at(0).target, QUrl(u"https://a.example/2"_s));
    QCOMPARE(links.at(1).target, QUrl(u"https://a.example/4"_s));
}

void TestLinkHeader::findLink_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QString>("relation");
    QTest::addColumn<QString>("expected");  // fully encoded; empty when no link matches

    QTest::newRow("GitHub first page: next") << gitHubFirstPage << u"next"_s << page(2);
    QTest::newRow("GitHub first page: last") << gitHubFirstPage << u"last"_s << page(5);
    QTest::newRow("GitHub first page: no prev") << gitHubFirstPage << u"prev"_s << QString();
    QTest::newRow("GitHub middle page: next") << gitHubMiddlePage << u"next"_s << page(4);
    QTest::newRow("GitHub middle page: prev") << gitHubMiddlePage << u"prev"_s << page(2);
    QTest::newRow("GitHub middle page: first") << gitHubMiddlePage << u"first"_s << page(1);

    QTest::newRow("next after last")
            << QByteArray("<https://a.example/5>; rel=\"last\", "
                          "<https://a.example/2>; rel=\"next\"")
            << u"next"_s << u"https://a.example/2"_s;
    QTest::newRow("no last link")
            << QByteArray("<https://a.example/2>; rel=\"next\"") << u"last"_s << QString();
    QTest::newRow("last page has no next")
            << QByteArray("<https://a.example/1>; rel=\"first\", "
                          "<https://a.example/4>; rel=\"prev\"")
            << u"next"_s << QString();

    QTest::newRow("nextpage is not next")
            << QByteArray("<https://a.example/x>; rel=\"nextpage\"") << u"next"_s << QString();
    QTest::newRow("nextpage skipped for a later next")
            << QByteArray("<https://a.example/x>; rel=\"nextpage\", "
                          "<https://a.example/2>; rel=\"next\"")
            << u"next"_s << u"https://a.example/2"_s;
    QTest::newRow("next is not nextpage")
            << QByteArray("<https://a.example/2>; rel=\"next\"") << u"nextpage"_s << QString();
    QTest::newRow("multi-valued rel matches next")
            << QByteArray("<https://a.example/2>; rel=\"prev next\"")
            << u"next"_s << u"https://a.example/2"_s;
    QTest::newRow("multi-valued rel matches prev")
            << QByteArray("<https://a.example/2>; rel=\"prev next\"")
            << u"prev"_s << u"https://a.example/2"_s;
    QTest::newRow("rel value padded with spaces")
            << QByteArray("<https://a.example/2>; rel=\"  next \"")
            << u"next"_s << u"https://a.example/2"_s;
    QTest::newRow("unquoted rel")
            << QByteArray("<https://a.example/2>; rel=next")
            << u"next"_s << u"https://a.example/2"_s;
    QTest::newRow("unquoted rel followed by another link")
            << QByteArray("<https://a.example/5>; rel=last,<https://a.example/2>;rel=next")
            << u"next"_s << u"https://a.example/2"_s;
    QTest::newRow("upper-case name and value")
            << QByteArray("<https://a.example/2>; REL=\"NEXT\"")
            << u"next"_s << u"https://a.example/2"_s;
    QTest::newRow("upper-case relation asked for")
            << QByteArray("<https://a.example/2>; rel=\"next\"")
            << u"NEXT"_s << u"https://a.example/2"_s;
    QTest::newRow("only the first rel counts")
            << QByteArray("<https://a.example/2>; rel=\"prev\"; rel=\"next\"")
            << u"next"_s << QString();
    QTest::newRow("rel after other parameters")
            << QByteArray("<https://a.example/2>; type=\"application/json\"; rel=\"next\"")
            << u"next"_s << u"https://a.example/2"_s;
    QTest::newRow("quoted comma in an earlier parameter")
            << QByteArray("<https://a.example/1>; title=\"a, <b>; rel=next\"; rel=\"prev\", "
                          "<https://a.example/2>; rel=\"next\"")
            << u"next"_s << u"https://a.example/2"_s;
    QTest::newRow("no whitespace, tabs")
            << QByteArray("<https://a.example/1>;rel=\"prev\","
                          "\t<https://a.example/2>\t;\trel=\"next\"")
            << u"next"_s << u"https://a.example/2"_s;

    QTest::newRow("opaque cursor kept exactly")
            << QByteArray("<https://api.github.com/repositories/1000/issues"
                          "?after=Y3Vyc29yOnYyOpHOAAAB&per_page=100>; rel=\"next\"")
            << u"next"_s
            << u"https://api.github.com/repositories/1000/issues"
               "?after=Y3Vyc29yOnYyOpHOAAAB&per_page=100"_s;
    QTest::newRow("encoded cursor padding kept encoded")
            << QByteArray("<https://api.github.com/repositories/1000/issues"
                          "?after=Y3Vyc29yOnYyOpHOAAAB%3D%3D&per_page=100>; rel=\"next\"")
            << u"next"_s
            << u"https://api.github.com/repositories/1000/issues"
               "?after=Y3Vyc29yOnYyOpHOAAAB%3D%3D&per_page=100"_s;
    QTest::newRow("commas and semicolons inside the URL")
            << QByteArray("<https://api.github.com/search/issues?q=a,b;c&page=2>; rel=\"next\", "
                          "<https://api.github.com/search/issues?q=a,b;c&page=9>; rel=\"last\"")
            << u"next"_s << u"https://api.github.com/search/issues?q=a,b;c&page=2"_s;
    QTest::newRow("commas in the URL, last asked for")
            << QByteArray("<https://api.github.com/search/issues?q=a,b;c&page=2>; rel=\"next\", "
                          "<https://api.github.com/search/issues?q=a,b;c&page=9>; rel=\"last\"")
            << u"last"_s << u"https://api.github.com/search/issues?q=a,b;c&page=9"_s;

    QTest::newRow("absolute path resolved against the base")
            << QByteArray("</repositories/1000/issues?page=2>; rel=\"next\"")
            << u"next"_s << u"https://api.github.com/repositories/1000/issues?page=2"_s;
    QTest::newRow("query-only reference resolved against the base")
            << QByteArray("<?per_page=3&page=2>; rel=\"next\"") << u"next"_s << page(2);
    QTest::newRow("relative path resolved against the base")
            << QByteArray("<comments?page=2>; rel=\"next\"")
            << u"next"_s << u"https://api.github.com/repositories/1000/comments?page=2"_s;

    QTest::newRow("malformed first: no angle brackets")
            << QByteArray("https://a.example/1; rel=\"next\", <https://a.example/2>; rel=\"next\"")
            << u"next"_s << u"https://a.example/2"_s;
    QTest::newRow("malformed first: text before parameters")
            << QByteArray("<https://a.example/1> junk; rel=\"next\", "
                          "<https://a.example/2>; rel=\"next\"")
            << u"next"_s << u"https://a.example/2"_s;
    QTest::newRow("malformed first: parameter without a name")
            << QByteArray("<https://a.example/1>; =\"next\", <https://a.example/2>; rel=\"next\"")
            << u"next"_s << u"https://a.example/2"_s;
    QTest::newRow("malformed first: plain garbage")
            << QByteArray("garbage, <https://a.example/2>; rel=\"next\"")
            << u"next"_s << u"https://a.example/2"_s;
    QTest::newRow("malformed first: unclosed angle bracket")
            << QByteArray("<https://a.example/1; rel=\"next\", <https://a.example/2>; rel=\"next\"")
            << u"next"_s << u"https://a.example/2"_s;

    QTest::newRow("empty header") << QByteArray() << u"next"_s << QString();
    QTest::newRow("blank header") << QByteArray("   \t ") << u"next"_s << QString();
    QTest::newRow("only separators") << QByteArray(" , ,, ") << u"next"_s << QString();
    QTest::newRow("link without parameters")
            << QByteArray("<https://a.example/2>") << u"next"_s << QString();
}

void TestLinkHeader::findLink()
{
    QFETCH(QByteArray, header);
    QFETCH(QString, relation);
    QFETCH(QString, expected);

    const std::optional<QUrl> found = hookme::findLink(header, base, relation);
    if (expected.isEmpty()) {
        QCOMPARE(found.value_or(QUrl()), QUrl());
        return;
    }
    QVERIFY(found);
    QCOMPARE(found->toString(QUrl::FullyEncoded), expected);
}

QTEST_GUILESS_MAIN(TestLinkHeader)
#include "tst_linkheader.moc"
