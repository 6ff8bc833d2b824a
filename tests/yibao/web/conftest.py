from yibao.review import testenv

testenv.configure()
