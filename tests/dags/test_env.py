def test_airflow_3_is_installed():
    import airflow

    assert airflow.__version__.startswith("3.")
