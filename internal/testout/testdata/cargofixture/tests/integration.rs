#[test]
fn parses_seven() {
    assert_eq!(cargofixture::parse("7"), Ok(7));
}

#[test]
fn test_reject_empty() {
    assert!(cargofixture::parse("").is_err());
}
