// The GraphQL documents that the fake GitHub answers: one query whose fields are user look-ups,
// the shape hookme sends to fill in display names, e.g.
//   query($l0: String!, $l1: String!) { u0: user(login: $l0) { login name }
//                                       u1: user(login: $l1) { login name } }
// A small tokenizer (one regular expression) and a recursive-descent parser read it, tolerant of
// whitespace, newlines, commas and # comments as GraphQL is. Fields: user(login: String!) with
// the sub-fields login, name and __typename, and __typename; the login comes from a declared
// String! variable or a string literal; an optional operation name is allowed.
//
// What it refuses, it answers in the shape GitHub's GraphQL API (graphql-ruby) does, with HTTP
// 200 and no "data":
//   syntax                 "Parse error on \"}\" (RCURLY) at [1, 9]" with locations
//   end of input           "Unexpected end of document" with empty locations
//   unknown field          "Field 'x' doesn't exist on type 'Query'" / "... on type 'User'"
//   arguments              missing login, unknown argument, a login that is not a string
//   selections             user without { ... }, a selection on a scalar
//   variables              used but not declared, declared but not used, String instead of
//                          String!, and values that are missing, null or not strings.
// Fragments, directives, mutations and several operations in one document are outside what
// hookme sends and are answered as parse errors.
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

class GraphQLUserQuery
{
public:
    // One top-level field, in document order.
    struct Field {
        QString key;          // the alias, or the field name
        QString name;         // "user" or "__typename"
        QString login;        // user: the login asked for
        QStringList selected; // user: "login", "name", "__typename" in the order asked
        int line = 0;         // where the field (its alias) starts, from 1
        int column = 0;
    };

    // A user that user(login:) resolves to: its login as GitHub spells it and its name (a
    // string or null).
    struct User {
        QString login;
        QJsonValue name;
    };
    using Resolver = std::function<std::optional<User>(const QString &login)>;

    static GraphQLUserQuery parse(const QString &document, const QJsonObject &variables);

    bool isValid() const { return m_errors.isEmpty(); }
    QList<Field> fields() const { return m_fields; }
    QList<QByteArray> errors() const { return m_errors; }  // compact JSON objects

    // The body GitHub would answer: {"errors":[...]} when the document was refused, otherwise
    // {"data":{...}} with, for every user that `resolve` does not know, null in "data" and a
    // NOT_FOUND entry in "errors".
    QByteArray answer(const Resolver &resolve) const;

private:
    class Parser;

    QList<Field> m_fields;
    QList<QByteArray> m_errors;
};
