"""IIN, BIN and KZ IBAN rules of DOMAIN §5, table by table."""

from __future__ import annotations

from datetime import date

import pytest

from screener.domain.identifiers import (
    age_on,
    check_digit,
    compact_iban,
    has_valid_check_digit,
    iin_birth_date,
    is_valid_bin,
    is_valid_iin,
    is_valid_iin_or_bin,
    is_valid_kz_iban,
    make_bin,
    make_iin,
    make_kz_iban,
    receiver_country_of,
)

DOMAIN_IINS = ["850503300129", "010615600788", "700302450010"]
DOMAIN_IBANS = ["KZ18722S000012345678", "KZ31601A000000000001"]


@pytest.mark.parametrize(
    ("number", "iin", "bin_", "either"),
    [
        # the examples of DOMAIN §5
        ("850503300129", True, False, True),
        ("010615600788", True, False, True),
        ("700302450010", True, False, True),
        # the check digit comes from the second weights (first sum mod 11 is 10)
        ("850503300105", True, False, True),
        # BINs: 5th digit 4, 5 or 6
        ("040140012340", False, True, True),
        ("150761000425", False, True, True),
        # wrong check digit
        ("850503300128", False, False, False),
        ("010615600789", False, False, False),
        ("040140012341", False, False, False),
        # check digit valid, but neither an IIN nor a BIN
        ("850503000120", False, False, False),  # century digit 0
        ("851303300125", False, False, False),  # month 13
        # wrong length or characters
        ("85050330012", False, False, False),
        ("8505033001290", False, False, False),
        ("", False, False, False),
        ("85050330012a", False, False, False),
        (" 50503300129", False, False, False),
        ("٨٥٠٥٠٣٣٠٠١٢٩", False, False, False),  # Arabic-Indic digits are not digits here
    ],
)
def test_iin_and_bin(number: str, iin: bool, bin_: bool, either: bool) -> None:
    assert is_valid_iin(number) is iin
    assert is_valid_bin(number) is bin_
    assert is_valid_iin_or_bin(number) is either


@pytest.mark.parametrize(
    ("first11", "expected"),
    [
        ("85050330012", 9),
        ("01061560078", 8),
        ("70030245001", 0),
        ("85050330010", 5),  # second weights
        ("85050330018", None),  # 10 with both weight sets: no valid number
        ("85050330360", None),
    ],
)
def test_check_digit(first11: str, expected: int | None) -> None:
    assert check_digit(first11) == expected


@pytest.mark.parametrize("bad", ["8505033001", "850503300129", "8505033001a"])
def test_check_digit_wants_11_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        check_digit(bad)


def test_no_number_with_an_impossible_check_digit_is_valid() -> None:
    assert not any(has_valid_check_digit(f"85050330018{d}") for d in range(10))


@pytest.mark.parametrize(
    ("first11", "why"),
    [
        ("85130330012", "month 13"),
        ("85023030012", "30 February"),
        ("01022960012", "29 February 2001"),
        ("85050300012", "century digit 0"),
        ("85050370012", "century digit 7"),
        ("85050390012", "century digit 9"),
    ],
)
def test_an_iin_needs_a_real_birth_date_and_century(first11: str, why: str) -> None:
    digit = check_digit(first11)
    if digit is None:  # pragma: no cover - the table holds numbers that have one
        pytest.fail(f"pick another example for {why}")
    number = f"{first11}{digit}"
    assert has_valid_check_digit(number)
    assert not is_valid_iin(number), why
    assert iin_birth_date(number) is None


@pytest.mark.parametrize(
    ("iin", "born"),
    [
        ("850503300129", date(1985, 5, 3)),
        ("010615600788", date(2001, 6, 15)),
        ("700302450010", date(1970, 3, 2)),
        (make_iin(date(1899, 12, 31), "M", 1), date(1899, 12, 31)),
        (make_iin(date(2000, 2, 29), "F", 17), date(2000, 2, 29)),
    ],
)
def test_birth_date(iin: str, born: date) -> None:
    assert iin_birth_date(iin) == born


@pytest.mark.parametrize("not_an_iin", ["040140012340", "850503300128", "x"])
def test_no_birth_date_without_a_valid_iin(not_an_iin: str) -> None:
    assert iin_birth_date(not_an_iin) is None
    assert age_on(not_an_iin, date(2025, 1, 1)) is None


@pytest.mark.parametrize(
    ("iin", "day", "age"),
    [
        ("850503300129", date(2025, 5, 2), 39),
        ("850503300129", date(2025, 5, 3), 40),
        ("010615600788", date(2022, 6, 14), 20),
        ("010615600788", date(2022, 6, 15), 21),
        ("700302450010", date(2025, 3, 1), 54),
        ("700302450010", date(2025, 3, 2), 55),
        # born 29 February: a year older on 1 March in common years
        (make_iin(date(2000, 2, 29), "F", 17), date(2021, 2, 28), 20),
        (make_iin(date(2000, 2, 29), "F", 17), date(2021, 3, 1), 21),
        (make_iin(date(2000, 2, 29), "F", 17), date(2024, 2, 29), 24),
    ],
)
def test_age_on(iin: str, day: date, age: int) -> None:
    assert age_on(iin, day) == age


@pytest.mark.parametrize(
    ("birth", "sex", "serial", "iin"),
    [
        (date(1985, 5, 3), "M", 12, "850503300129"),
        (date(2001, 6, 15), "F", 78, "010615600788"),
        (date(1970, 3, 2), "F", 5001, "700302450010"),
    ],
)
def test_make_iin_rebuilds_the_domain_examples(
    birth: date, sex: str, serial: int, iin: str
) -> None:
    assert make_iin(birth, "M" if sex == "M" else "F", serial) == iin


@pytest.mark.parametrize(
    ("birth", "sex", "century_digit"),
    [
        (date(1850, 1, 1), "M", "1"),
        (date(1850, 1, 1), "F", "2"),
        (date(1950, 1, 1), "M", "3"),
        (date(1950, 1, 1), "F", "4"),
        (date(2010, 1, 1), "M", "5"),
        (date(2010, 1, 1), "F", "6"),
    ],
)
def test_make_iin_century_and_sex(birth: date, sex: str, century_digit: str) -> None:
    iin = make_iin(birth, "M" if sex == "M" else "F", 1)
    assert iin[6] == century_digit
    assert is_valid_iin(iin)
    assert iin_birth_date(iin) == birth


def test_make_iin_every_serial_gives_a_valid_iin_or_an_error() -> None:
    made = 0
    for serial in range(10000):
        try:
            iin = make_iin(date(1990, 7, 14), "F", serial)
        except ValueError:
            continue
        made += 1
        assert is_valid_iin(iin) and iin[7:11] == f"{serial:04d}"
    assert 8500 < made < 10000  # about 1 serial in 11 has no check digit


@pytest.mark.parametrize(
    ("birth", "sex", "serial"),
    [
        (date(1799, 12, 31), "M", 1),
        (date(2100, 1, 1), "M", 1),
        (date(1985, 5, 3), "M", 10000),
        (date(1985, 5, 3), "M", -1),
        (date(1985, 5, 3), "X", 1),
        (date(1985, 5, 3), "M", 18),  # 85050330018 has no check digit
    ],
)
def test_make_iin_refuses(birth: date, sex: str, serial: int) -> None:
    with pytest.raises(ValueError):
        make_iin(birth, sex, serial)  # type: ignore[arg-type]


@pytest.mark.parametrize(("kind", "attribute"), [(4, 0), (5, 1), (6, 2)])
def test_make_bin(kind: int, attribute: int) -> None:
    made = make_bin(date(2012, 9, 1), 777, kind=kind, attribute=attribute)
    assert made[:6] == f"1209{kind}{attribute}"
    assert is_valid_bin(made) and not is_valid_iin(made) and is_valid_iin_or_bin(made)
    assert age_on(made, date(2025, 1, 1)) is None


@pytest.mark.parametrize(
    ("iban", "valid"),
    [
        ("KZ18722S000012345678", True),
        ("KZ31601A000000000001", True),
        ("KZ19722S000012345678", False),  # check digits off by one
        ("KZ18722S000012345679", False),  # last character changed
        ("KZ18722S00001234567", False),  # 19 characters
        ("KZ18722S0000123456789", False),  # 21 characters
        ("kz18722S000012345678", False),  # lowercase country
        ("KZ18722s000012345678", False),  # lowercase account
        ("KZ18 722S 0000 1234 5678", False),  # print format with spaces
        ("DE89370400440532013000", False),  # a valid German IBAN, not a KZ one
        ("KZ1872AS000012345678", False),  # letter in the bank code
        ("KZ1A722S000012345678", False),  # letter in the check digits
        ("", False),
    ],
)
def test_kz_iban(iban: str, valid: bool) -> None:
    assert is_valid_kz_iban(iban) is valid


@pytest.mark.parametrize(
    ("bank", "account", "iban"),
    [
        ("722", "S000012345678", "KZ18722S000012345678"),
        ("601", "A000000000001", "KZ31601A000000000001"),
    ],
)
def test_make_kz_iban_rebuilds_the_domain_examples(bank: str, account: str, iban: str) -> None:
    assert make_kz_iban(bank, account) == iban


@pytest.mark.parametrize("account", [0, 1, 42, 10**13 - 1, "ZZZZZZZZZZZZZ", "0000000000000"])
def test_make_kz_iban_is_valid(account: int | str) -> None:
    iban = make_kz_iban("998", account)
    assert is_valid_kz_iban(iban) and len(iban) == 20
    if isinstance(account, int):
        assert iban.endswith(f"{account:013d}")


@pytest.mark.parametrize(
    ("bank", "account"),
    [
        ("72", "S000012345678"),
        ("72A", "S000012345678"),
        ("722", "S00001234567"),
        ("722", "s000012345678"),
        ("722", 10**13),
        ("722", -1),
    ],
)
def test_make_kz_iban_refuses(bank: str, account: int | str) -> None:
    with pytest.raises(ValueError):
        make_kz_iban(bank, account)


@pytest.mark.parametrize(
    ("text", "compact"),
    [
        ("KZ18 722S 0000 1234 5678", "KZ18722S000012345678"),  # print format
        ("kz18722s000012345678", "KZ18722S000012345678"),  # lowercase
        ("KZ18 722S 0000 1234 5678 ", "KZ18722S000012345678"),  # a trailing space
        ("de89 3704 0044 0532 0130 00", "DE89370400440532013000"),  # an IBAN abroad
        ("KZ18722S000012345678", "KZ18722S000012345678"),  # already electronic
        ("KZ18 722S 0000 1234 5679", "KZ18 722S 0000 1234 5679"),  # MOD-97 fails: as sent
        ("tok_4f9aBc", "tok_4f9aBc"),  # a card token: its case may matter
        ("0x5290 8400 0985 2788", "0x5290 8400 0985 2788"),  # a wallet id with spaces
        ("+7 701 123 4567", "+7 701 123 4567"),  # a wallet: a phone number
        ("", ""),
    ],
)
def test_compact_iban(text: str, compact: str) -> None:
    assert compact_iban(text) == compact


@pytest.mark.parametrize(
    ("account", "bic", "country"),
    [
        ("CY55396300684730653427220888", None, "CY"),  # a Cypriot IBAN
        ("DE89370400440532013000", "HSBKKZKX", "DE"),  # the IBAN says more than the BIC
        ("KZ18722S000012345678", None, "KZ"),
        ("400303******8935", "BCYPCY2N", "CY"),  # a card: the BIC's letters 5-6
        ("tok_4f9aBc", "HSBKKZKXXXX", "KZ"),  # an 11-character BIC
        ("DE89370400440532013001", None, None),  # MOD-97 fails: no IBAN, and no BIC
        ("yandexpay:+77753595451", None, None),
        ("tok_4f9aBc", "HSBK", None),  # no BIC
    ],
)
def test_receiver_country_of(account: str, bic: str | None, country: str | None) -> None:
    assert receiver_country_of(account, bic) == country
