import pytest
from axe_playwright_python.sync_playwright import Axe
from .conftest import assert_no_serious_axe_violations, field

def test_helper_fails_on_bad_markup(browser_page):
    p = browser_page
    p.set_content('<html><body><img src="x.png"><p style="color:#ccc;background:#fff">faint</p><input type="text"></body></html>')
    with pytest.raises(pytest.fail.Exception) as e:
        assert_no_serious_axe_violations(p)
    print(e.value)

@pytest.mark.parametrize("path", ["/", "/accounts/signup/", "/accounts/login/", "/accounts/delete/", "/accounts/"])
def test_all_impacts(browser_page, volunteer, password, path):
    p = browser_page
    p.goto("/accounts/login/")
    if path not in ("/accounts/signup/", "/accounts/login/"):
        field(p, "Email").fill(volunteer.email); field(p, "Password").fill(password)
        p.get_by_role("button", name="Sign In").click(); p.wait_for_url("**/accounts/")
    p.goto(path)
    r = Axe().run(p)
    print("\n", path, r.generate_snapshot() or "(none)")
    for v in r.response["violations"]:
        for n in v["nodes"]: print("   ", v["id"], n["target"], n["html"][:150])
